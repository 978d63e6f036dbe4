/**
 * Breach response: the legal clocks that start when a leak is detected, the criminal-law thresholds
 * a leaked count reaches, and the notices to the regulator and to the people affected.
 *
 * All pure: the clock never reads the system time (the caller passes `detectedAt` and `now`), and
 * notices are built from the incident description alone. The legal texts are cited in every output
 * (`basis`, `reference`) because an analyst must be able to check each claim against the rule, and
 * because these rules change: when they do, this file is the one place to update. None of this is
 * legal advice; it is the checklist an incident responder works through.
 */
import { CordonError } from '../shared/errors';

const HOUR = 3_600_000;

// ---------------------------------------------------------------------------------------------
// Clocks
// ---------------------------------------------------------------------------------------------

/** A duty to act by a deadline. `immediate` duties ("立即", "without undue delay") are due at detection. */
export interface DeadlineClock {
  readonly kind: 'deadline';
  readonly id: string;
  readonly authority: string;
  readonly dueAt: Date;
  readonly immediate: boolean;
  readonly basis: string;
  readonly note: string;
}

/** A duty to keep something at least until `dueAt` (logs under the Cybersecurity Law). */
export interface RetentionClock {
  readonly kind: 'retention';
  readonly id: string;
  readonly authority: string;
  readonly dueAt: Date;
  readonly basis: string;
  readonly note: string;
}

export type BreachClock = DeadlineClock | RetentionClock;

export interface BreachClockOptions {
  /** EU residents' data is affected: the GDPR (art. 3(2) for a shop offering goods to people in the EU). */
  readonly euResidentsAffected: boolean;
  /**
   * GDPR art. 34 applies when the breach is likely to result in a high risk to people. Defaults to
   * true: contact data with real orders is exactly what the fake-customer-service fraud uses.
   */
  readonly highRisk?: boolean;
  /** The operator runs critical information infrastructure: a 1-hour report instead of 4 hours. */
  readonly criticalInfrastructure?: boolean;
}

/**
 * The clocks started by detecting a personal-information leak at `detectedAt`, earliest first.
 *
 * - CAC incident report: 《国家网络安全事件报告管理办法》 art. 4 — for incidents graded 较大 or above
 *   by the attached 《网络安全事件分级指南》, operators report to the provincial cyberspace
 *   administration within 4 hours (critical information infrastructure: to the protection department
 *   and the police within 1 hour). The grade is rarely known in the first hours, so the clock always
 *   starts; the note says when it does not apply.
 * - PIPL art. 57: remedial measures and notice to the regulator and to individuals "立即"
 *   (immediately): due at detection.
 * - GDPR art. 33: the supervisory authority within 72 hours of becoming aware; art. 34: data subjects
 *   without undue delay when the risk is high.
 * - Cybersecurity Law art. 21(3): network logs kept at least six months: the logs covering the
 *   incident may not be deleted before `detectedAt` + 6 calendar months (and should be kept until the
 *   case is closed).
 */
export function breachClocks(detectedAt: Date, opts: BreachClockOptions): BreachClock[] {
  const detected = detectedAt.getTime();
  if (!Number.isFinite(detected)) {
    throw new CordonError('CORDON_ERR_VALIDATION', 'detectedAt must be a valid date.', {
      field: 'detectedAt',
    });
  }
  const cii = opts.criticalInfrastructure ?? false;
  const clocks: BreachClock[] = [
    {
      kind: 'deadline',
      id: 'cac-incident-report',
      authority: cii
        ? '关键信息基础设施保护工作部门和公安机关 (CII protection department and public security organ)'
        : '属地省级网信部门 (provincial cyberspace administration)',
      dueAt: new Date(detected + (cii ? 1 : 4) * HOUR),
      immediate: false,
      basis: cii
        ? '《国家网络安全事件报告管理办法》第四条：涉及关键信息基础设施的较大以上网络安全事件，第一时间报告，最迟不得超过1小时 (CAC Cybersecurity Incident Reporting Measures art. 4: CII incidents, 1 hour)'
        : '《国家网络安全事件报告管理办法》第四条：较大以上网络安全事件，应当及时向属地省级网信部门报告，最迟不得超过4小时 (CAC Cybersecurity Incident Reporting Measures art. 4: 4 hours)',
      note:
        'Applies to incidents graded 较大 (relatively major) or above under the attached 《网络安全事件分级指南》; ' +
        'in force since 2025-11-01. Report what is known by the deadline and supplement later.',
    },
    {
      kind: 'deadline',
      id: 'pipl-57-regulator',
      authority:
        '履行个人信息保护职责的部门 (departments with personal-information protection duties, PIPL art. 60)',
      dueAt: new Date(detected),
      immediate: true,
      basis:
        '《个人信息保护法》第五十七条第一款：发生或者可能发生个人信息泄露的，应当立即采取补救措施，并通知履行个人信息保护职责的部门和个人 (PIPL art. 57(1): immediately)',
      note: '"立即" sets no grace period: treated as due at detection. Record the reason for any delay.',
    },
    {
      kind: 'deadline',
      id: 'pipl-57-individuals',
      authority: '受影响的个人 (affected individuals)',
      dueAt: new Date(detected),
      immediate: true,
      basis: '《个人信息保护法》第五十七条 (PIPL art. 57: notify individuals immediately)',
      note:
        'Art. 57(2): notice to individuals may be omitted only if the measures taken effectively avoid harm; ' +
        'the regulator may still require it. A leaked list already offered for sale does not qualify.',
    },
  ];
  if (opts.euResidentsAffected) {
    clocks.push({
      kind: 'deadline',
      id: 'gdpr-33-supervisory-authority',
      authority:
        'competent EU supervisory authority (via the art. 27 representative if there is no EU establishment)',
      dueAt: new Date(detected + 72 * HOUR),
      immediate: false,
      basis:
        'GDPR art. 33(1): without undue delay and, where feasible, not later than 72 hours after becoming aware',
      note:
        'A later notification must give the reasons for the delay; information may be provided in phases (art. 33(4)). ' +
        'Not required if the breach is unlikely to result in a risk to people.',
    });
    if (opts.highRisk ?? true) {
      clocks.push({
        kind: 'deadline',
        id: 'gdpr-34-data-subjects',
        authority: 'affected EU data subjects',
        dueAt: new Date(detected),
        immediate: true,
        basis: 'GDPR art. 34(1): communicate to the data subject without undue delay when the risk is high',
        note:
          '"Without undue delay" has no fixed hours: treated as due at detection. Art. 34(3) exceptions: data unintelligible ' +
          '(encrypted), risk no longer likely, or disproportionate effort (then a public communication).',
      });
    }
  }
  clocks.push({
    kind: 'retention',
    id: 'csl-21-log-retention',
    authority: '网络运营者 (the network operator itself)',
    dueAt: addMonthsBeijing(detectedAt, 6),
    basis:
      '《网络安全法》第二十一条第（三）项：留存相关的网络日志不少于六个月 (Cybersecurity Law art. 21(3): keep logs ≥ 6 months)',
    note: 'The minimum under art. 21 alone; keep the logs and the access ledger of the incident until the case is closed.',
  });
  return clocks.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

/** 'due' / 'overdue' for deadlines; 'retain' / 'retention-met' for retention duties. */
export type ClockStatus = 'due' | 'overdue' | 'retain' | 'retention-met';

/**
 * A clock's status at `now`: a deadline is overdue strictly after `dueAt`, so an immediate duty is
 * overdue as soon as any time has passed since detection (the honest reading of "立即"). A retention
 * duty is 'retain' until `dueAt`.
 */
export function clockStatus(clock: BreachClock, now: Date): ClockStatus {
  const late = now.getTime() > clock.dueAt.getTime();
  if (clock.kind === 'retention') return late ? 'retention-met' : 'retain';
  return late ? 'overdue' : 'due';
}

/** The clocks with their status and the time left (negative once overdue) at `now`. */
export function withClockStatus(
  clocks: readonly BreachClock[],
  now: Date,
): Array<BreachClock & { status: ClockStatus; remainingMs: number }> {
  return clocks.map((clock) => ({
    ...clock,
    status: clockStatus(clock, now),
    remainingMs: clock.dueAt.getTime() - now.getTime(),
  }));
}

/** `date` plus `months` calendar months on the Beijing (UTC+8) calendar, day clamped to the month's end. */
function addMonthsBeijing(date: Date, months: number): Date {
  const shift = 8 * HOUR;
  const local = new Date(date.getTime() + shift);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(local.getUTCDate(), lastDay);
  const shifted = Date.UTC(
    year,
    month,
    day,
    local.getUTCHours(),
    local.getUTCMinutes(),
    local.getUTCSeconds(),
    local.getUTCMilliseconds(),
  );
  return new Date(shifted - shift);
}

// ---------------------------------------------------------------------------------------------
// Criminal thresholds
// ---------------------------------------------------------------------------------------------

/**
 * The three information tiers of art. 5(1) of the 2017 interpretation:
 * - `whereaboutsEtc`: 行踪轨迹信息、通信内容、征信信息、财产信息 (50 records);
 * - `transactionEtc`: 住宿信息、通信记录、健康生理信息、交易信息等其他可能影响人身、财产安全的公民个人信息
 *   (500 records);
 * - `other`: all other personal information (5,000 records).
 */
export type InformationTier = 'whereaboutsEtc' | 'transactionEtc' | 'other';

export type RecordCounts = Readonly<Record<InformationTier, number>>;

/** The art. 5(1)(3)–(5) thresholds for 情节严重, before halving for insiders. */
export const CRIMINAL_THRESHOLDS: RecordCounts = { whereaboutsEtc: 50, transactionEtc: 500, other: 5000 };

/** The interpretation, cited in every finding. */
export const SPC_SPP_2017_INTERPRETATION =
  '《最高人民法院、最高人民检察院关于办理侵犯公民个人信息刑事案件适用法律若干问题的解释》(法释〔2017〕10号)';

const ITEM_FOR_TIER: Readonly<Record<InformationTier, string>> = {
  whereaboutsEtc: '第（三）项',
  transactionEtc: '第（四）项',
  other: '第（五）项',
};

/** Fields of a leaked record, for {@link classifyRecord}. */
export type RecordField =
  | 'name'
  | 'phone'
  | 'address'
  | 'order'
  | 'transaction'
  | 'id_number'
  | 'email'
  | 'bank_card'
  | 'property'
  | 'credit'
  | 'location_track'
  | 'communication_content'
  | 'accommodation'
  | 'call_records'
  | 'health';

const WHEREABOUTS_FIELDS: ReadonlySet<RecordField> = new Set([
  'location_track',
  'communication_content',
  'credit',
  'property',
  'bank_card',
]);
const TRANSACTION_FIELDS: ReadonlySet<RecordField> = new Set([
  'order',
  'transaction',
  'accommodation',
  'call_records',
  'health',
]);

/**
 * The tier a leaked record counts in. Cordon's classification choices, conservative (toward the
 * lower threshold) where courts differ:
 * - an order record (what was bought, when, for how much, delivered where) is 交易信息: 500 tier;
 * - a receiver record — name, phone and delivery address together, even without the goods — is
 *   counted as "其他可能影响人身、财产安全的公民个人信息" in the same 500 tier: it lets a fraudster
 *   find the person and pose convincingly as the shop or courier, which is how the leaked order
 *   lists of the reported case were used;
 * - a bank card number counts as 财产信息 (50 tier); precise location tracks, message contents and
 *   credit reports are named in the 50 tier;
 * - anything else (a name with a phone, an ID number with a name) is the 5,000 tier.
 */
export function classifyRecord(fields: readonly RecordField[]): { tier: InformationTier; reason: string } {
  const present = new Set(fields);
  for (const field of WHEREABOUTS_FIELDS) {
    if (present.has(field))
      return { tier: 'whereaboutsEtc', reason: `${field}: 行踪轨迹/通信内容/征信/财产信息` };
  }
  for (const field of TRANSACTION_FIELDS) {
    if (present.has(field))
      return { tier: 'transactionEtc', reason: `${field}: 交易信息等 (500-record tier)` };
  }
  if (present.has('name') && present.has('phone') && present.has('address')) {
    return {
      tier: 'transactionEtc',
      reason:
        'name + phone + address: receiver record, counted with 交易信息 as 可能影响人身、财产安全的信息',
    };
  }
  return { tier: 'other', reason: 'other personal information (5,000-record tier)' };
}

export type CriminalLevel = 'below' | 'serious' | 'especially-serious';

export interface CriminalFinding {
  readonly level: Exclude<CriminalLevel, 'below'>;
  /** The tier whose count reached the threshold, or `combined` for art. 5(1)(6)'s proportional sum. */
  readonly tier: InformationTier | 'combined';
  /** Records (or, for `combined`, the proportional sum in units of one threshold). */
  readonly count: number;
  readonly threshold: number;
  readonly reference: string;
}

export interface CriminalThresholdAssessment {
  readonly insider: boolean;
  /** The 情节严重 thresholds that apply (halved for insiders). */
  readonly thresholds: RecordCounts;
  /** Σ count / threshold over the tiers: ≥ 1 is 情节严重 by art. 5(1)(6), ≥ 10 is 情节特别严重. */
  readonly combinedRatio: number;
  readonly level: CriminalLevel;
  readonly findings: readonly CriminalFinding[];
  readonly reference: string;
  readonly notes: readonly string[];
}

/**
 * Which quantity thresholds of the 2017 SPC/SPP interpretation on infringing citizens' personal
 * information (art. 5) a leak reaches, for the offence of Criminal Law art. 253-1:
 * - 情节严重 (art. 5(1)(3)–(5)): 50 / 500 / 5,000 records by tier; (6) counts below those thresholds
 *   that together reach them in proportion; (8) half of those standards when the offender sold or
 *   provided information obtained in performing duties or providing services (`insider`);
 * - 情节特别严重 (art. 5(2)(3)): ten times the standards of art. 5(1)(3)–(8), so 10× — or, for
 *   insiders, 10× the halved standards.
 *
 * Only quantity is assessed: illegal gains (art. 5(1)(7): ¥5,000), use in crimes, prior offences and
 * harm (deaths, major losses) are further grounds the caller must judge. Counts are of distinct
 * records after removing duplicates and records shown to be untrue (art. 11).
 */
export function criminalThresholds(counts: RecordCounts, insider: boolean): CriminalThresholdAssessment {
  const tiers: InformationTier[] = ['whereaboutsEtc', 'transactionEtc', 'other'];
  for (const tier of tiers) {
    const value = counts[tier];
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new CordonError('CORDON_ERR_VALIDATION', `${tier} must be a whole number of records ≥ 0.`, {
        field: tier,
      });
    }
  }
  const factor = insider ? 0.5 : 1;
  const thresholds: RecordCounts = {
    whereaboutsEtc: CRIMINAL_THRESHOLDS.whereaboutsEtc * factor,
    transactionEtc: CRIMINAL_THRESHOLDS.transactionEtc * factor,
    other: CRIMINAL_THRESHOLDS.other * factor,
  };
  const insiderItem = insider ? '、第（八）项（履行职责或者提供服务过程中获得，标准减半）' : '';
  const findings: CriminalFinding[] = [];
  for (const tier of tiers) {
    const count = counts[tier];
    const threshold = thresholds[tier];
    if (count >= threshold) {
      findings.push({
        level: 'serious',
        tier,
        count,
        threshold,
        reference: `${SPC_SPP_2017_INTERPRETATION} 第五条第一款${ITEM_FOR_TIER[tier]}${insiderItem}`,
      });
    }
    if (count >= 10 * threshold) {
      findings.push({
        level: 'especially-serious',
        tier,
        count,
        threshold: 10 * threshold,
        reference: `${SPC_SPP_2017_INTERPRETATION} 第五条第二款第（三）项（第一款${ITEM_FOR_TIER[tier]}${insiderItem}标准十倍以上）`,
      });
    }
  }
  // Art. 5(1)(6) in exact integer arithmetic: the thresholds are T, 10T and 100T, so the proportional
  // sum is (100a + 10b + c) / 100T, and a sum of exactly 1 is not lost to rounding.
  const units = 100 * counts.whereaboutsEtc + 10 * counts.transactionEtc + counts.other;
  const unit = 100 * thresholds.whereaboutsEtc;
  const combinedRatio = units / unit;
  if (units >= unit && !findings.some((f) => f.level === 'serious')) {
    findings.push({
      level: 'serious',
      tier: 'combined',
      count: combinedRatio,
      threshold: 1,
      reference: `${SPC_SPP_2017_INTERPRETATION} 第五条第一款第（六）项（按相应比例合计达到标准）${insiderItem}`,
    });
  }
  if (units >= 10 * unit && !findings.some((f) => f.level === 'especially-serious')) {
    findings.push({
      level: 'especially-serious',
      tier: 'combined',
      count: combinedRatio,
      threshold: 10,
      reference: `${SPC_SPP_2017_INTERPRETATION} 第五条第二款第（三）项（第一款第（六）项${insiderItem}标准十倍以上）`,
    });
  }
  const level: CriminalLevel = findings.some((f) => f.level === 'especially-serious')
    ? 'especially-serious'
    : findings.length > 0
      ? 'serious'
      : 'below';
  const notes = [
    '《刑法》第二百五十三条之一：情节严重的，处三年以下有期徒刑或者拘役，并处或者单处罚金；情节特别严重的，处三年以上七年以下有期徒刑，并处罚金。',
    '《刑法》第二百五十三条之一第二款：将在履行职责或者提供服务过程中获得的公民个人信息出售或者提供给他人的，依照前款从重处罚。',
    '第十一条：非法获取后又出售或者提供的，条数不重复计算；向不同单位或者个人分别出售、提供同一信息的，累计计算；批量信息按查获数量认定，但有证据证明信息不真实或者重复的除外。',
    'Only record counts are assessed here; illegal gains (art. 5(1)(7): ¥5,000, halved for insiders), use in other crimes, prior punishment and consequences are further grounds.',
  ];
  return {
    insider,
    thresholds,
    combinedRatio,
    level,
    findings,
    reference: `${SPC_SPP_2017_INTERPRETATION} 第五条`,
    notes,
  };
}

// ---------------------------------------------------------------------------------------------
// Notices
// ---------------------------------------------------------------------------------------------

export interface Bilingual {
  readonly zh: string;
  readonly en: string;
}

/** Text for a notice: one string used in both languages, or one per language. */
export type NoticeText = string | Bilingual;

export interface BreachIncident {
  readonly shopName: NoticeText;
  readonly detectedAt: Date;
  /** Category keys (`name`, `phone`, `address`, `order`, `id_number`, `bank_card`, `email`) or free text. */
  readonly categories: readonly string[];
  readonly affectedCount: number;
  readonly cause: NoticeText;
  readonly possibleHarm: NoticeText;
  readonly remedies: readonly NoticeText[];
  /** How people and the regulator reach the shop about this incident: phone, email, hours. */
  readonly contact: NoticeText;
  /** Measures specific to this incident, listed after the standard ones for the categories. */
  readonly extraMeasures?: readonly NoticeText[];
}

export interface NoticeDrafts {
  readonly regulator: Bilingual;
  readonly individual: Bilingual;
}

const CATEGORY_LABELS: Readonly<Record<string, Bilingual>> = {
  name: { zh: '姓名', en: 'name' },
  phone: { zh: '手机号码', en: 'mobile phone number' },
  address: { zh: '收货地址', en: 'delivery address' },
  order: { zh: '订单信息（商品、金额、下单时间）', en: 'order details (items, amounts, order dates)' },
  id_number: { zh: '身份证号码', en: 'resident ID number' },
  bank_card: { zh: '银行卡号', en: 'bank card number' },
  email: { zh: '电子邮箱', en: 'email address' },
};

/** What anyone whose data leaked from a shop should know: the shop never asks for codes or money. */
export const NEVER_ASK_MEASURE: Bilingual = {
  zh: '本店不会以任何理由向您索要短信验证码、登录密码或支付密码，也不会要求您转账、汇款或下载屏幕共享、远程控制软件；凡有此类要求的，都是诈骗。',
  en: 'We will never ask you for an SMS verification code or your login or payment password, and never ask you to transfer money or install screen-sharing or remote-control apps. Anyone who does is a fraudster.',
};

const FAKE_SERVICE_MEASURE: Bilingual = {
  zh: '警惕自称本店客服、快递员或平台工作人员、能准确说出您订单信息的来电和短信，尤其是以退款、理赔、商品质量问题或“账户异常”为由的。退款只会原路退回。请挂断后通过本店官方 App 或官方客服电话核实。',
  en: 'Be wary of calls and messages from anyone claiming to be our customer service, a courier or platform staff who quotes your real order details, especially about refunds, compensation, quality problems or an "account problem". Refunds only ever go back to your original payment method. Hang up and check through our official app or official customer-service number.',
};

const PARCEL_MEASURE: Bilingual = {
  zh: '收到未曾订购的到付包裹，请拒收。',
  en: 'Refuse cash-on-delivery parcels you did not order.',
};

const ID_MEASURE: Bilingual = {
  zh: '留意是否有人以您的名义办理贷款或开立账户；可通过中国人民银行征信中心查询个人信用报告。',
  en: "Watch for loans or accounts opened in your name; you can check your credit report with the Credit Reference Center of the People's Bank of China.",
};

const CARD_MEASURE: Bilingual = {
  zh: '请联系发卡银行，留意账户异常交易，必要时挂失换卡。',
  en: 'Contact your card issuer, watch for unusual transactions and replace the card if needed.',
};

const POLICE_MEASURE: Bilingual = {
  zh: '如已被骗或发现资金损失，请立即拨打 110 报警。',
  en: 'If you have been defrauded or have lost money, call the police on 110 immediately.',
};

function textOf(value: NoticeText, field: string): Bilingual {
  const text = typeof value === 'string' ? { zh: value, en: value } : value;
  if (text.zh.trim().length === 0 || text.en.trim().length === 0) {
    throw new CordonError('CORDON_ERR_VALIDATION', `${field} must be non-empty in both languages.`, {
      field,
    });
  }
  return { zh: text.zh.trim(), en: text.en.trim() };
}

/** The measures individuals can take, by what leaked (PIPL art. 57(1)(2)). */
export function individualMeasures(categories: readonly string[]): Bilingual[] {
  const present = new Set(categories);
  const measures = [NEVER_ASK_MEASURE];
  if (present.has('phone') || present.has('order') || present.has('address'))
    measures.push(FAKE_SERVICE_MEASURE);
  if (present.has('address')) measures.push(PARCEL_MEASURE);
  if (present.has('id_number')) measures.push(ID_MEASURE);
  if (present.has('bank_card')) measures.push(CARD_MEASURE);
  measures.push(POLICE_MEASURE);
  return measures;
}

/** Thousands separators, independent of the runtime's locale data. */
function grouped(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `YYYY-MM-DD HH:mm` in Beijing time (UTC+8, no daylight saving). */
function beijingTime(date: Date): string {
  const iso = new Date(date.getTime() + 8 * HOUR).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

function numbered(items: readonly string[]): string {
  return items.map((item, index) => `${index + 1}. ${item}`).join('\n');
}

/**
 * Drafts of the notices PIPL art. 57 requires, to the regulator and to each affected person, in
 * Chinese and English. Each states the categories of information, the cause, the possible harm,
 * the remedial measures taken, the measures individuals can take, and the contact; the regulator's
 * also the detection time, the number of people and the legal basis. Every value comes from the
 * incident: nothing is left to fill in, and a missing element is a validation error rather than a
 * gap in the text. The drafts are plain text for an analyst to review before sending.
 */
export function noticeDrafts(incident: BreachIncident): NoticeDrafts {
  const detected = incident.detectedAt.getTime();
  if (!Number.isFinite(detected)) {
    throw new CordonError('CORDON_ERR_VALIDATION', 'detectedAt must be a valid date.', {
      field: 'detectedAt',
    });
  }
  if (!Number.isSafeInteger(incident.affectedCount) || incident.affectedCount < 1) {
    throw new CordonError('CORDON_ERR_VALIDATION', 'affectedCount must be a whole number ≥ 1.', {
      field: 'affectedCount',
    });
  }
  if (incident.categories.length === 0) {
    throw new CordonError('CORDON_ERR_VALIDATION', 'Name at least one category of information.', {
      field: 'categories',
    });
  }
  if (incident.remedies.length === 0) {
    throw new CordonError('CORDON_ERR_VALIDATION', 'State at least one remedial measure taken.', {
      field: 'remedies',
    });
  }
  const shop = textOf(incident.shopName, 'shopName');
  const cause = textOf(incident.cause, 'cause');
  const harm = textOf(incident.possibleHarm, 'possibleHarm');
  const contact = textOf(incident.contact, 'contact');
  const categories = incident.categories.map((category, i) =>
    textOf(CATEGORY_LABELS[category] ?? category, `categories[${i}]`),
  );
  const remedies = incident.remedies.map((remedy, i) => textOf(remedy, `remedies[${i}]`));
  const measures = [
    ...individualMeasures(incident.categories),
    ...(incident.extraMeasures ?? []).map((measure, i) => textOf(measure, `extraMeasures[${i}]`)),
  ];
  const when = beijingTime(incident.detectedAt);
  const count = grouped(incident.affectedCount);
  const zh = (items: readonly Bilingual[]): string[] => items.map((item) => item.zh);
  const en = (items: readonly Bilingual[]): string[] => items.map((item) => item.en);

  const regulatorZh = [
    '个人信息泄露事件报告',
    '',
    `报告单位：${shop.zh}`,
    `发现时间：${when}（北京时间）`,
    `涉及人数：${count} 人`,
    `涉及的个人信息种类：${zh(categories).join('、')}`,
    `事件原因：${cause.zh}`,
    `可能造成的危害：${harm.zh}`,
    '已采取的补救措施：',
    numbered(zh(remedies)),
    '个人可以采取的减轻危害的措施（已在致个人的通知中告知）：',
    numbered(zh(measures)),
    '本单位同时通知受影响的个人，通知内容与本报告一致。',
    `联系方式：${contact.zh}`,
    '依据：《中华人民共和国个人信息保护法》第五十七条。',
  ].join('\n');
  const regulatorEn = [
    'Personal information breach report',
    '',
    `Reporting organisation: ${shop.en}`,
    `Detected: ${when} China Standard Time (UTC+8)`,
    `People affected: ${count}`,
    `Categories of personal information: ${en(categories).join(', ')}`,
    `Cause: ${cause.en}`,
    `Possible harm: ${harm.en}`,
    'Remedial measures taken:',
    numbered(en(remedies)),
    'Measures individuals can take to reduce the harm (given in the notice to individuals):',
    numbered(en(measures)),
    'We are notifying the affected individuals at the same time, with the content of this report.',
    `Contact: ${contact.en}`,
    "Basis: Personal Information Protection Law of the People's Republic of China, article 57.",
  ].join('\n');
  const individualZh = [
    '尊敬的用户：',
    '',
    `${shop.zh}于 ${when}（北京时间）发现，您在本店的部分个人信息已经或者可能已经泄露。我们深表歉意，现将有关情况告知如下。`,
    `一、涉及的信息种类：${zh(categories).join('、')}`,
    `二、事件原因：${cause.zh}`,
    `三、可能造成的危害：${harm.zh}`,
    '四、我们已采取的补救措施：',
    numbered(zh(remedies)),
    '五、您可以采取的措施：',
    numbered(zh(measures)),
    `六、联系我们：${contact.zh}`,
    '',
    shop.zh,
  ].join('\n');
  const individualEn = [
    'Dear customer,',
    '',
    `On ${when} China Standard Time (UTC+8), ${shop.en} found that some of your personal information held by us has been, or may have been, leaked. We are sorry. This is what happened and what you can do.`,
    `1. Information concerned: ${en(categories).join(', ')}`,
    `2. Cause: ${cause.en}`,
    `3. Possible harm: ${harm.en}`,
    '4. What we have done:',
    numbered(en(remedies)),
    '5. What you can do:',
    numbered(en(measures)),
    `6. Contact us: ${contact.en}`,
    '',
    shop.en,
  ].join('\n');
  return {
    regulator: { zh: regulatorZh, en: regulatorEn },
    individual: { zh: individualZh, en: individualEn },
  };
}
