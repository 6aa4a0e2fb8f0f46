package cn.liangxian.gateway.order;

/** The order store's SQL, for tests of other packages that check it against PostgreSQL. */
public final class OrderStoreAccess {
  private OrderStoreAccess() {}

  public static String expiryFailed() {
    return OrderStore.EXPIRY_FAILED;
  }

  public static String claimStuck() {
    return OrderStore.CLAIM_STUCK;
  }
}
