package cn.liangxian.policy;

import static cn.liangxian.policy.NoticeCase.medical;
import static cn.liangxian.policy.NoticeCase.pension;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Worked cases derived from the five notices, one row each, citing the clause; a row list per notice and insurance. */
class NoticeCasesTest {

  static final String HD = "hedong-2020";
  static final String ZS = "zhangshanzi-2020";
  static final String YC = "yicheng-2022";
  static final String LST = "lengshuitan-2020";
  static final String RG = "rugao-2020";

  static Stream<NoticeCase> cases() {
    return Stream.of(
            hedongMedical(), hedongPension(), zhangshanziMedical(), yichengMedical(), yichengPension(),
            lengshuitanPension(), lengshuitanMedical(), rugaoMedical())
        .flatMap(Function.identity());
  }

  static Stream<NoticeCase> hedongMedical() {
    return Stream.of(
        // ---- 000 河东区 medical 2020 ----
        medical("000 三(二)2", "an adult pays the personal 250 in the window", HD).paid("2019-12-10")
            .owes(250, 0, 0, 0, "2020-01-01").rule("window").rule("personal"),
        medical("000 三(二)2", "born 1949-12-31 is 70: the district pays", HD).born("1949-12-31")
            .owes(0, 250, 0, 0, "2020-01-01").rule("age-70-plus"),
        medical("000 三(二)2", "born 1950-01-01 is 69: pays in full", HD).born("1950-01-01")
            .owes(250, 0, 0, 0, "2020-01-01"),
        medical("000 三(二)2", "POVERTY paid by the district", HD).in(Category.POVERTY).owes(0, 250, 0, 0, "2020-01-01"),
        medical("000 三(二)2", "WUBAO paid by the district", HD).in(Category.WUBAO).owes(0, 250, 0, 0, "2020-01-01"),
        medical("000 三(二)2", "DIBAO certified on 2019-12-31: paid by the district", HD).certified(Category.DIBAO, "2019-12-31")
            .owes(0, 250, 0, 0, "2020-01-01").rule("special-groups-paid-by-district"),
        medical("000 三(二)2", "DIBAO certified 2020-01-10, after 2019-12-31: pays as anyone else", HD)
            .certified(Category.DIBAO, "2020-01-10").paid("2020-02-20").owes(250, 0, 0, 0, "2020-03-21"),
        medical("000 三(二)2", "DIBAO paid by the district", HD).in(Category.DIBAO).owes(0, 250, 0, 0, "2020-01-01")
            .rule("special-groups-paid-by-district"),
        medical("000 三(二)2", "PRIORITY_CARE paid by the district", HD).in(Category.PRIORITY_CARE).owes(0, 250, 0, 0, "2020-01-01"),
        medical("000 三(二)2", "any disabled person (普通 and 重度) paid by the district", HD).in(Category.DISABLED)
            .owes(0, 250, 0, 0, "2020-01-01"),
        medical("000 三(二)2", "TEKUN is not on 000's medical list", HD).in(Category.TEKUN).owes(250, 0, 0, 0, "2020-01-01"),
        medical("000 三(二)2", "two categories: one treatment, never twice", HD).in(Category.DIBAO, Category.DISABLED)
            .born("1940-01-01").owes(0, 250, 0, 0, "2020-01-01"),
        medical("000 三(二)1", "a non-local resident with a permit enrols and keeps reductions", HD).nonLocal()
            .in(Category.DIBAO).owes(0, 250, 0, 0, "2020-01-01"),
        medical("000 三(二)1", "insured elsewhere cannot enrol twice", HD).elsewhere().notEligible("already insured"),
        medical("000 三(二)3", "paid 2020-01-15: personal rate, covered 30 days after payment", HD).paid("2020-01-15")
            .owes(250, 0, 0, 0, "2020-02-14").rule("grace-personal-rate"),
        medical("000 三(二)3", "paid on the last grace day 2020-02-29", HD).paid("2020-02-29").owes(250, 0, 0, 0, "2020-03-30"),
        medical("000 三(二)3", "paid 2020-03-01: full financing, which 000 does not state", HD).paid("2020-03-01")
            .refused("does not give"),
        medical("000 三(二)3", "a special group paid late is covered all year", HD).in(Category.DIBAO).paid("2020-01-15")
            .owes(0, 250, 0, 0, "2020-01-01"),
        medical("000 三(二)3", "a special group after the grace period is still paid for, all year", HD)
            .in(Category.WUBAO).paid("2020-06-01").owes(0, 250, 0, 0, "2020-01-01").rule("after-grace-full-financing"),
        medical("000 三(二)3", "a newborn within 6 months pays the personal rate, covered from birth", HD)
            .born("2020-03-10").paid("2020-08-01").owes(250, 0, 0, 0, "2020-03-10").rule("newborn"),
        medical("000 三(二)3", "a baby born before the year, paid in the window, is covered from January 1", HD)
            .born("2019-11-01").paid("2019-12-20").owes(250, 0, 0, 0, "2020-01-01").rule("newborn"),
        medical("000 三(二)3", "a baby paid 6 months and a day after birth is a late payer", HD)
            .born("2020-01-10").paid("2020-07-11").refused("full financing"));
  }

  static Stream<NoticeCase> hedongPension() {
    return Stream.of(
        // ---- 000 河东区 pension 2020 ----
        pension("000 三(一)2(3)", "tier 300 earns a 30 subsidy", HD).tier(300).owes(300, 0, 30, 0, "2020-01-01"),
        pension("000 三(一)2(3)", "tier 500 earns 60", HD).tier(500).owes(500, 0, 60, 0, "2020-01-01"),
        pension("000 三(一)2(3)", "tier 600 earns 60", HD).tier(600).owes(600, 0, 60, 0, "2020-01-01"),
        pension("000 三(一)2(3)", "tier 800 earns 80", HD).tier(800).owes(800, 0, 80, 0, "2020-01-01"),
        pension("000 三(一)2(3)", "tier 5000 earns 80", HD).tier(5000).owes(5000, 0, 80, 0, "2020-01-01"),
        pension("000 三(一)2(1)", "tier 100 is only for hardship groups", HD).tier(100).refused("only for"),
        pension("000 三(一)2(4)", "DIBAO at tier 100: the district pays it all", HD).in(Category.DIBAO).tier(100)
            .owes(0, 100, 0, 0, "2020-01-01").rule("restricted-tier-100"),
        pension("000 三(一)2(4)", "SEVERE_DISABLED at tier 1000: district pays 100 and the subsidy", HD)
            .in(Category.SEVERE_DISABLED).tier(1000).owes(900, 100, 80, 0, "2020-01-01"),
        pension("000 三(一)2(5)", "ONLY_CHILD_PARENT 49 on 2019-12-31: 50 more", HD).in(Category.ONLY_CHILD_PARENT)
            .born("1970-12-31").tier(300).owes(300, 0, 80, 0, "2020-01-01").rule("only-child-parents-49"),
        pension("000 三(一)2(5)", "ONLY_CHILD_PARENT 48: nothing more", HD).in(Category.ONLY_CHILD_PARENT)
            .born("1971-01-01").tier(300).owes(300, 0, 30, 0, "2020-01-01"),
        pension("000 三(一)2(6)", "DIBAO and ONLY_CHILD_PARENT: the better one only", HD)
            .in(Category.DIBAO, Category.ONLY_CHILD_PARENT).born("1960-01-01").tier(300).owes(200, 100, 30, 0, "2020-01-01"),
        pension("000 三(一)1", "a student cannot enrol", HD).in(Category.STUDENT).born("2001-01-01").tier(300)
            .notEligible("STUDENT"),
        pension("000 三(一)1", "15 on 2019-12-31 cannot enrol", HD).born("2004-01-01").tier(300).notEligible("at least 16"),
        pension("000 三(一)1", "16 on 2019-12-31 can", HD).born("2003-12-31").tier(300).owes(300, 0, 30, 0, "2020-01-01"),
        pension("000 三(一)1", "only registered residents", HD).nonLocal().tier(300).notEligible("registered"),
        pension("000 三(一)2(1)", "a tier not offered", HD).tier(700).refused("not offered"),
        pension("000 三(一)2(1)", "no tier chosen", HD).refused("needs a tier"),
        pension("000 三(一)2(4)", "WUBAO (rural 特困) at tier 100: paid by the district", HD).in(Category.WUBAO).tier(100)
            .owes(0, 100, 0, 0, "2020-01-01"),
        pension("000 三(一)2(6)", "paid during 2020 for 2020: the year itself, subsidy kept", HD).tier(300).paid("2020-01-05")
            .owes(300, 0, 30, 0, "2020-01-01").rule("paid-in-the-year"),
        pension("000 三(一)2(4)", "DIBAO paid during 2020: the district still pays 100", HD).in(Category.DIBAO).tier(100)
            .paid("2020-06-30").owes(0, 100, 0, 0, "2020-01-01").rule("paid-in-the-year"),
        pension("000 三(一)2(6)", "paid back during 2021 earns no subsidy", HD).tier(300).paid("2021-03-01")
            .owes(300, 0, 0, 0, "2020-01-01").rule("back-payment-without-subsidy"),
        pension("000 三(一)2(6)", "not paid back in the next year: refused", HD).tier(300).paid("2022-01-05")
            .refused("2021-12-31"));
  }

  static Stream<NoticeCase> zhangshanziMedical() {
    return Stream.of(
        // ---- 001 张山子镇 medical 2020 ----
        medical("001 一 二是", "an adult pays 260", ZS).owes(260, 0, 0, 0, "2020-01-01"),
        medical("001 一 二是", "born 1949-12-31 is 70: exempt", ZS).born("1949-12-31").owes(0, 260, 0, 0, "2020-01-01"),
        medical("001 附件2 五", "born 1959-12-31 is 60: half, 130", ZS).born("1959-12-31").owes(130, 130, 0, 0, "2020-01-01")
            .rule("age-60-69-half"),
        medical("001 附件2 五", "born 1950-01-01 is 69: half", ZS).born("1950-01-01").owes(130, 130, 0, 0, "2020-01-01"),
        medical("001 附件2 五", "born 1960-01-01 is 59: full", ZS).born("1960-01-01").owes(260, 0, 0, 0, "2020-01-01"),
        medical("001 一 二是", "DIBAO at 65 is exempt, not half", ZS).in(Category.DIBAO).born("1954-05-01")
            .owes(0, 260, 0, 0, "2020-01-01"),
        medical("001 一 二是", "ONLY_SON pays half", ZS).in(Category.ONLY_SON).owes(130, 130, 0, 0, "2020-01-01"),
        medical("001 一 二是", "ONLY_DAUGHTER exempt", ZS).in(Category.ONLY_DAUGHTER).owes(0, 260, 0, 0, "2020-01-01"),
        medical("001 一 二是", "TWO_DAUGHTERS exempt", ZS).in(Category.TWO_DAUGHTERS).owes(0, 260, 0, 0, "2020-01-01"),
        medical("001 一 二是", "ONLY_SON at 65: half either way", ZS).in(Category.ONLY_SON).born("1954-05-01")
            .owes(130, 130, 0, 0, "2020-01-01"),
        medical("001 一 二是", "TEKUN is not on 001's list", ZS).in(Category.TEKUN).owes(260, 0, 0, 0, "2020-01-01"),
        medical("001 一 二是", "non-local aged 75: no reductions", ZS).nonLocal().born("1944-01-01")
            .owes(260, 0, 0, 0, "2020-01-01").rule("non-local-no-reductions"),
        medical("001 一 二是", "non-local DIBAO: no reductions", ZS).nonLocal().in(Category.DIBAO).owes(260, 0, 0, 0, "2020-01-01"),
        medical("001 二", "after 2019-11-15: back-payment without government help", ZS).in(Category.DIBAO)
            .paid("2019-11-20").owes(260, 0, 0, 0, "2020-01-01").rule("interrupted-back-payment"),
        // waitingDays: 0 is cover from the day of payment, not from January 1 (a back-payment buys no past cover)
        medical("001 二", "a back-payment on 2020-06-15 is covered from that day", ZS)
            .paid("2020-06-15").owes(260, 0, 0, 0, "2020-06-15").rule("interrupted-back-payment"),
        medical("001 一 一是", "before the notice, collection is not open", ZS).paid("2019-10-01").refused("opens on"));
  }

  static Stream<NoticeCase> yichengMedical() {
    return Stream.of(
        // ---- 002 峄城区 medical 2022 ----
        medical("002 四(一)", "an adult pays 320", YC).paid("2021-10-08").owes(320, 0, 0, 0, "2022-01-01"),
        medical("002 四(一)", "70 on 2021-12-31 (含70岁): paid by government", YC).born("1951-12-31")
            .owes(0, 320, 0, 0, "2022-01-01"),
        medical("002 四(一)", "69: government pays 50%", YC).born("1952-01-01").owes(160, 160, 0, 0, "2022-01-01"),
        medical("002 四(一)", "59: full", YC).born("1962-01-01").owes(320, 0, 0, 0, "2022-01-01"),
        medical("002 四(一)", "plain DISABLED is not listed", YC).in(Category.DISABLED).owes(320, 0, 0, 0, "2022-01-01"),
        medical("002 四(一)", "SEVERE_DISABLED paid by government", YC).in(Category.SEVERE_DISABLED).owes(0, 320, 0, 0, "2022-01-01"),
        medical("002 四(一)", "ORPHAN paid by government", YC).in(Category.ORPHAN).born("2012-01-01").owes(0, 320, 0, 0, "2022-01-01"),
        medical("002 四(一)", "UNSUPPORTED_CHILD paid by government", YC).in(Category.UNSUPPORTED_CHILD).born("2012-01-01")
            .owes(0, 320, 0, 0, "2022-01-01"),
        medical("002 四(一)", "OTHER_HARDSHIP paid by government", YC).in(Category.OTHER_HARDSHIP).owes(0, 320, 0, 0, "2022-01-01"),
        medical("002 四(一)", "POVERTY_LIFTED paid by government", YC).in(Category.POVERTY_LIFTED).owes(0, 320, 0, 0, "2022-01-01"),
        medical("002 三", "a non-local resident with a permit enrols", YC).nonLocal().owes(320, 0, 0, 0, "2022-01-01"),
        medical("002 四(二)", "paid 2021-12-25, after the window but before year end: personal rate", YC)
            .paid("2021-12-25").owes(320, 0, 0, 0, "2022-01-01").rule("after-window-personal-rate"),
        medical("002 四(二)", "paid 2022-01-10: the full 900, covered after 30 days", YC).paid("2022-01-10")
            .owes(900, 0, 0, 0, "2022-02-09").rule("full-financing"),
        medical("002 四(二)", "a DIBAO paying after 12-31 owes the full 900 too", YC).in(Category.DIBAO).paid("2022-01-10")
            .owes(900, 0, 0, 0, "2022-02-09"),
        medical("002 四(二)", "paid 2022-12-15: coverage would start after the year", YC).paid("2022-12-15")
            .notEligible("after the 2022 year ends"));
  }

  static Stream<NoticeCase> yichengPension() {
    return Stream.of(
        // ---- 002 峄城区 pension 2022 ----
        pension("002 四(一)", "DIBAO at tier 100: paid by government, subsidy 30", YC).in(Category.DIBAO).tier(100)
            .owes(0, 100, 30, 0, "2022-01-01"),
        pension("002 四(一)", "DISABLED may choose 100 but pays it", YC).in(Category.DISABLED).tier(100)
            .owes(100, 0, 30, 0, "2022-01-01"),
        pension("002 四(一)", "PRIORITY_CARE may choose 100", YC).in(Category.PRIORITY_CARE).tier(100).owes(100, 0, 30, 0, "2022-01-01"),
        pension("002 四(一)", "tier 100 is not for everyone", YC).tier(100).refused("only for"),
        pension("002 四(一)", "tier 300: subsidy 30", YC).tier(300).owes(300, 0, 30, 0, "2022-01-01"),
        pension("002 四(一)", "tier 2000: subsidy 80", YC).tier(2000).owes(2000, 0, 80, 0, "2022-01-01"),
        pension("002 四(一)", "ONLY_CHILD_PARENT woman of 50: 300 more", YC).in(Category.ONLY_CHILD_PARENT).woman()
            .born("1971-12-31").tier(500).owes(500, 0, 360, 0, "2022-01-01").rule("only-child-parents-wife-50"),
        pension("002 四(一)", "ONLY_CHILD_PARENT woman of 49: nothing more", YC).in(Category.ONLY_CHILD_PARENT).woman()
            .born("1972-01-01").tier(500).owes(500, 0, 60, 0, "2022-01-01"),
        pension("002 四(一)", "ONLY_CHILD_PARENT husband of a wife of 50: 300 each", YC).in(Category.ONLY_CHILD_PARENT)
            .born("1975-03-01").wifeBorn("1971-01-01").tier(300).owes(300, 0, 330, 0, "2022-01-01"),
        pension("002 四(一)", "ONLY_CHILD_PARENT husband, wife's age unknown: not applied", YC).in(Category.ONLY_CHILD_PARENT)
            .born("1960-03-01").tier(300).owes(300, 0, 30, 0, "2022-01-01"),
        pension("002 四(一)", "the family-planning subsidy stacks on the DIBAO payment", YC)
            .in(Category.ONLY_CHILD_PARENT, Category.DIBAO).woman().born("1965-01-01").tier(300).owes(200, 100, 330, 0, "2022-01-01"),
        pension("002 三", "a student cannot enrol", YC).in(Category.STUDENT).born("2003-01-01").tier(300).notEligible("STUDENT"),
        pension("002 四(二)", "no rule after the window: refused, not guessed", YC).tier(300).paid("2021-12-25")
            .refused("no rule"));
  }

  static Stream<NoticeCase> lengshuitanPension() {
    return Stream.of(
        // ---- 003 冷水滩区 pension 2019 ----
        pension("003 二", "tier 200 of the assumed Hunan schedule", LST).tier(200).owes(200, 0, 0, 0, "2019-01-01"),
        pension("003 二", "tier 100 is open to everyone here", LST).tier(100).owes(100, 0, 0, 0, "2019-01-01"),
        pension("003 一(一)", "DIBAO: the district pays the minimum 100", LST).in(Category.DIBAO).tier(100)
            .owes(0, 100, 0, 0, "2019-01-01"),
        pension("003 一(一)", "TEKUN at tier 500: 100 paid by the district", LST).in(Category.TEKUN).tier(500)
            .owes(400, 100, 0, 0, "2019-01-01"),
        pension("003 三(一)", "16 on 2018-12-31", LST).born("2002-12-31").tier(100).owes(100, 0, 0, 0, "2019-01-01"),
        pension("003 三(一)", "15 on 2018-12-31", LST).born("2003-01-01").tier(100).notEligible("at least 16"),
        pension("003 二", "after 2019-10-31: refused", LST).tier(100).paid("2019-11-01").refused("no rule"));
  }

  static Stream<NoticeCase> lengshuitanMedical() {
    return Stream.of(
        // ---- 003 冷水滩区 medical 2020 ----
        medical("003 二", "an adult pays 250", LST).owes(250, 0, 0, 0, "2020-01-01"),
        medical("003 二", "no age exemption: 80 pays 250", LST).born("1939-01-01").owes(250, 0, 0, 0, "2020-01-01"),
        medical("003 二", "TEKUN fully funded", LST).in(Category.TEKUN).owes(0, 250, 0, 0, "2020-01-01"),
        medical("003 二", "WUBAO (rural 特困) fully funded too", LST).in(Category.WUBAO).owes(0, 250, 0, 0, "2020-01-01"),
        medical("003 二", "SOCIAL_BOTTOM_LINE fully funded (50% assistance, rest treasury)", LST)
            .in(Category.SOCIAL_BOTTOM_LINE).owes(0, 250, 0, 0, "2020-01-01"),
        medical("003 三(六)", "DIBAO pays 250 now, 75 (30%) given back later", LST).in(Category.DIBAO)
            .owes(250, 0, 0, 75, "2020-01-01").rule("dibao-collected-then-subsidised"),
        medical("003 二", "POVERTY not DIBAO: 50%", LST).in(Category.POVERTY).owes(125, 125, 0, 0, "2020-01-01"),
        medical("003 二", "POVERTY and DIBAO: the DIBAO rule, not the 50%", LST).in(Category.POVERTY, Category.DIBAO)
            .owes(250, 0, 0, 75, "2020-01-01"),
        medical("003 二", "POVERTY and TEKUN: fully funded", LST).in(Category.POVERTY, Category.TEKUN).owes(0, 250, 0, 0, "2020-01-01"),
        medical("003 二", "after 2019-12-31: refused", LST).paid("2020-01-02").refused("no rule"));
  }

  static Stream<NoticeCase> rugaoMedical() {
    return Stream.of(
        // ---- 004 如皋 medical 2020 ----
        medical("004 三", "an adult pays 360", RG).owes(360, 0, 0, 0, "2020-01-01"),
        medical("004 三", "no age exemption: 80 pays 360", RG).born("1939-01-01").owes(360, 0, 0, 0, "2020-01-01"),
        medical("004 五(二)1", "DIBAO fully funded", RG).in(Category.DIBAO).owes(0, 360, 0, 0, "2020-01-01"),
        medical("004 五(二)1", "LOW_INCOME fully funded", RG).in(Category.LOW_INCOME).owes(0, 360, 0, 0, "2020-01-01"),
        medical("004 五(二)1", "DOWNSIZED_1960S fully funded", RG).in(Category.DOWNSIZED_1960S).born("1940-01-01")
            .owes(0, 360, 0, 0, "2020-01-01"),
        medical("004 五(二)1", "HARDSHIP_WORKER fully funded", RG).in(Category.HARDSHIP_WORKER).owes(0, 360, 0, 0, "2020-01-01"),
        medical("004 五(二)1", "plain DISABLED pays", RG).in(Category.DISABLED).owes(360, 0, 0, 0, "2020-01-01"),
        medical("004 五(二)2", "PRIORITY_CARE advanced by the treasury", RG).in(Category.PRIORITY_CARE)
            .owes(0, 360, 0, 0, "2020-01-01").rule("advanced-by-treasury"),
        medical("004 五(二)2", "OLD_PARTY_MEMBER advanced by the treasury", RG).in(Category.OLD_PARTY_MEMBER).born("1930-01-01")
            .owes(0, 360, 0, 0, "2020-01-01"),
        medical("004 三", "commercial supplement 40 on top", RG).addOn("COMMERCIAL_SUPPLEMENT").owes(400, 0, 0, 0, "2020-01-01")
            .rule("add-on-commercial-supplement"),
        medical("004 三", "a DIBAO resident buying the supplement pays just the 40", RG).in(Category.DIBAO)
            .addOn("COMMERCIAL_SUPPLEMENT").owes(40, 360, 0, 0, "2020-01-01"),
        medical("004 三", "an add-on the book does not offer", RG).addOn("DENTAL").refused("not offered"),
        medical("004 四(二)", "paid 2019-11-26: 180 days' transition", RG).paid("2019-11-26").owes(360, 0, 0, 0, "2020-05-24")
            .rule("late-180-day-transition"),
        medical("004 四(三)", "DIBAO funded in the 扫尾 phase: the full year, no transition", RG).in(Category.DIBAO)
            .paid("2019-12-01").owes(0, 360, 0, 0, "2020-01-01").rule("late-180-day-transition"),
        medical("004 五(二)2", "PRIORITY_CARE advanced late: the full year too", RG).in(Category.PRIORITY_CARE)
            .paid("2019-11-30").owes(0, 360, 0, 0, "2020-01-01"),
        medical("004 四(二)", "paid 2020-07-10: coverage would start in 2021", RG).paid("2020-07-10").notEligible("after the 2020 year ends"),
        medical("004 四(二)", "before the window opens", RG).paid("2019-11-01").refused("opens on 2019-11-16"),
        medical("004 一(一)3", "a non-local resident of 6 months enrols", RG).nonLocal().owes(360, 0, 0, 0, "2020-01-01"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void assesses(NoticeCase c) {
    Person person = new Person(
        IdNumber.parse(c.female ? Ids.woman(c.region, c.born) : Ids.man(c.region, c.born)),
        c.categories, c.local, c.elsewhere,
        c.spouseBorn == null ? null : IdNumber.parse(Ids.woman(c.region, c.spouseBorn)), c.since);
    PolicyBook book = Books.get(c.book);
    LocalDate payDate = c.payDate != null ? LocalDate.parse(c.payDate) : book.terms(c.insurance).orElseThrow().windowStart();

    if (c.errorContains != null) {
      assertThatThrownBy(() -> PolicyEngine.assess(person, c.insurance, book, payDate, c.tier, c.addOns))
          .isInstanceOf(AssessmentException.class)
          .hasMessageContaining(c.errorContains)
          .satisfies(e -> ReasonsTest.assertChinese(((AssessmentException) e).reason()));
      return;
    }
    Assessment a = PolicyEngine.assess(person, c.insurance, book, payDate, c.tier, c.addOns);
    if (c.reasonContains != null) {
      assertThat(a.eligible()).as("eligible").isFalse();
      assertThat(a.reason()).contains(c.reasonContains);
      ReasonsTest.assertChinese(a.why());
      assertThat(a.totalFen()).isZero();
      return;
    }
    assertThat(a.eligible()).as("eligible (reason: %s)", a.reason()).isTrue();
    assertThat(a.personalFen()).as("personal").isEqualTo(c.personal);
    assertThat(a.governmentFen()).as("government").isEqualTo(c.government);
    assertThat(a.subsidyFen()).as("subsidy").isEqualTo(c.subsidy);
    assertThat(a.laterSubsidyFen()).as("later subsidy").isEqualTo(c.later);
    assertThat(a.totalFen()).isEqualTo(c.personal + c.government + c.subsidy);
    assertThat(a.coverageStart()).as("coverage start").isEqualTo(LocalDate.parse(c.coverageStart));
    assertThat(a.coverageEnd()).isEqualTo(LocalDate.of(book.terms(c.insurance).orElseThrow().benefitYear(), 12, 31));
    assertThat(a.rules()).extracting(AppliedRule::id).containsAll(c.rulesInclude);
    assertThat(a.rules()).allSatisfy(r -> assertThat(r.source()).startsWith(book.notice() + " "));
  }
}
