package cn.liangxian.policy;

import java.time.LocalDate;

/**
 * What the engine reads of who a resident is: the birth date and sex an ID number carries. An
 * {@link IdNumber} is one; a store that keeps these beside the encrypted number is another, so that
 * assessing someone never needs the number in clear.
 */
public interface Identity {
  LocalDate birthDate();

  Sex sex();

  /** For display: never the number in clear. */
  String masked();

  /** Completed years of age (周岁) on the given date. */
  default int ageOn(LocalDate date) {
    return Ages.completedYears(birthDate(), date);
  }

  /** Birth date, sex and masked number as stored, e.g. beside an encrypted ID number. */
  static Identity of(LocalDate birthDate, Sex sex, String masked) {
    return new Stored(birthDate, sex, masked);
  }

  /** An identity without the number itself. */
  record Stored(LocalDate birthDate, Sex sex, String masked) implements Identity {
    public Stored {
      java.util.Objects.requireNonNull(birthDate, "birthDate");
      java.util.Objects.requireNonNull(sex, "sex");
      java.util.Objects.requireNonNull(masked, "masked");
    }

    @Override
    public String toString() {
      return masked;
    }
  }
}
