package cn.liangxian.policy;

/**
 * The request cannot be assessed under this book: a tier it does not offer, an unknown add-on, a pay
 * date outside what the book covers, a value the notice does not give. The message says which in English;
 * {@link #reason()} gives the stable code and the Chinese text.
 */
public final class AssessmentException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Reason reason;

  public AssessmentException(Reason reason) {
    // a refusal the book decides, not a fault: its message and reason say all, and a lookup meets dozens
    // of them (a closed window refuses every pension tier of every member), so no stack trace is taken
    super(reason.detail(), null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
