package cn.liangxian.gateway.refund;

/** The refund store's SQL, for tests of other packages that check it against PostgreSQL. */
public final class RefundStoreAccess {
  private RefundStoreAccess() {}

  public static String claim() {
    return RefundStore.CLAIM;
  }
}
