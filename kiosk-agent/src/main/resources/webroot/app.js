'use strict';
// The page only shows what /api/state says and reports touches to /api/action; the agent decides everything.
const $ = (id) => document.getElementById(id);
// fen (an integer) as yuan with two decimals, exactly; money is said as 1450.00元 everywhere, never with ¥
const yuan = (fen) => { const a = Math.abs(fen); return (fen < 0 ? '-' : '') + Math.floor(a / 100) + '.' + String(a % 100).padStart(2, '0'); };
const INS = { medical: '医疗保险', pension: '养老保险' };
// in-progress: held by an order begun elsewhere and not paid; said as not finished, never in the colour of 已缴费
const STATUS = { paid: '已缴费', 'paid-by-government': '政府代缴', 'in-progress': '付款未完成', 'not-eligible': '暂不能参保', 'not-available': '暂不能缴费' };
// an item's status in the resident's words is the gateway's (statusText: 无需缴费 or 暂不能参保 decided there once, for
// every screen); the status's own words where a gateway sends none
function statusText(it) {
  return (it.statusText && CJK.test(it.statusText) ? it.statusText : null) || STATUS[it.status] || '暂不能缴费';
}
const CJK = /[\u4e00-\u9fff]/;
// screens whose time runs out while the resident reads or types: every touch starts it again, and it warns first
const TIMED = ['KEYPAD', 'HOUSEHOLD', 'CHANNEL'];
let lastTouch = 0;
const SEX = { male: '男', female: '女' };
const CHANNELS = {
  wechat: { name: '微信支付', mark: '微', scan: '微信' },
  alipay: { name: '支付宝', mark: '支', scan: '支付宝' },
  unionpay: { name: '云闪付', mark: '银联', scan: '云闪付' },
};
let last = '';
let sheet = null; // the member/insurance whose 更改档次 sheet is open

async function act(body) {
  const r = await fetch('/api/action', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (r.ok) render(await r.json());
}

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'onclick') e.addEventListener('click', v); else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
}

// a sentence that may break only between its phrases (after ，；。 or a space, or at |), never inside a word
function phrases(cls, text, id) {
  const p = el('p', Object.assign({ class: cls }, id ? { id } : {}));
  for (const part of text.split(/(?<=[，；：。 ])|\|/)) p.append(el('span', { class: 'phrase', text: part }));
  return p;
}

// 14分58秒, and 45秒 in the last minute
function minutes(sec) {
  const m = Math.floor(sec / 60);
  return m > 0 ? `${m}分${String(sec % 60).padStart(2, '0')}秒` : `${sec}秒`;
}

document.addEventListener('pointerdown', () => {
  const now = Date.now();
  if (now - lastTouch > 5000) {
    lastTouch = now;
    fetch('/api/action', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"action":"touch"}' });
  }
}, true);

function moreTime(s) {
  let box = $('moreTime');
  if (!box) {
    box = el('div', { id: 'moreTime', class: 'sheet hidden' }, el('div', { class: 'sheet-body' },
      el('p', { class: 'big', text: '还需要更多时间吗？' }),
      el('button', { id: 'stillHere', class: 'primary', text: '继续办理', onclick: () => { lastTouch = Date.now(); act({ action: 'touch' }); } })));
    document.body.append(box);
  }
  const warn = TIMED.includes(s.screen) && s.secondsLeft !== undefined && s.secondsLeft <= 15;
  box.classList.toggle('hidden', !warn);
}

function render(s) {
  screenNow = s.screen;
  if (s.screen !== 'PAYING' && $('leave')) $('leave').classList.add('hidden');
  moreTime(s);
  const key = JSON.stringify(s, (k, v) => (k === 'secondsLeft' ? undefined : v));
  document.body.classList.toggle('elder', !!s.elder);
  $('elder').setAttribute('aria-checked', String(!!s.elder));
  $('elderState').textContent = s.elder ? '开' : '关';
  $('countdown').textContent = s.secondsLeft !== undefined && s.screen !== 'IDLE' ? `剩余 ${minutes(s.secondsLeft)}` : '';
  // none while the order left is being cancelled: the resident waits to hear what became of it (paid, a receipt coming)
  $('cancel').style.visibility = ['IDLE', 'PRINTING', 'UNAVAILABLE'].includes(s.screen) || s.cancelling ? 'hidden' : 'visible';
  if (key === last) return;
  last = key;
  const m = $('screen');
  const scroll = m.querySelector('.scroll');
  const top = scroll && m.dataset.screen === s.screen ? scroll.scrollTop : 0;
  if (m.dataset.screen !== s.screen) sheet = null;
  m.dataset.screen = s.screen;
  m.replaceChildren(...(SCREENS[s.screen] || SCREENS.ERROR)(s));
  const again = m.querySelector('.scroll');
  if (again) {
    again.scrollTop = top;
    // laid out again (a window turned, fonts loaded, a member's card grown): the cue follows
    new ResizeObserver(moreBelow).observe(again);
    for (const c of again.children) new ResizeObserver(moreBelow).observe(c);
  }
  moreBelow();
}

// the household's cue that more members are below: shown while the list overflows and is not scrolled to its end
function moreBelow() {
  const cue = $('moreBelow');
  const list = document.querySelector('#screen .scroll');
  if (!cue || !list) return;
  cue.classList.toggle('hidden', list.scrollHeight - list.clientHeight - list.scrollTop <= 8);
}

function badge(ch) {
  const c = CHANNELS[ch] || { name: '其他支付方式', mark: '付' };
  return el('span', { class: 'badge ' + ch }, el('span', { class: 'mark', text: c.mark }), el('span', { text: c.name }));
}

// where the card goes: the reader's pad under the screen, the card laid flat on it
const CARD_PICTURE = `<svg viewBox="0 0 400 250" width="400" height="260" role="img" aria-label="身份证放在屏幕下方的读卡区">
<rect x="40" y="150" width="320" height="90" rx="14" fill="#d9e2ec" stroke="#52606d" stroke-width="4"/>
<rect x="110" y="170" width="180" height="50" rx="8" fill="#0a63c9" opacity=".18" stroke="#0a63c9" stroke-width="4" stroke-dasharray="10 6"/>
<text x="200" y="202" font-size="22" text-anchor="middle" fill="#0a63c9">读卡区</text>
<g transform="translate(128 34) rotate(-8)"><rect width="150" height="94" rx="10" fill="#fff" stroke="#1d2733" stroke-width="4"/>
<rect x="14" y="16" width="42" height="54" rx="4" fill="#9fb3c8"/><rect x="68" y="22" width="66" height="8" fill="#9fb3c8"/>
<rect x="68" y="42" width="66" height="8" fill="#9fb3c8"/><rect x="14" y="78" width="120" height="7" fill="#9fb3c8"/></g>
<path d="M205 120 L205 160" stroke="#b3261e" stroke-width="8" stroke-linecap="round"/><path d="M188 146 L205 166 L222 146" fill="none" stroke="#b3261e" stroke-width="8" stroke-linecap="round" stroke-linejoin="round"/>
</svg>`;

function memberLine(mem) {
  const bits = [mem.relation, SEX[mem.sex], mem.age !== undefined ? `${mem.age}岁` : null, `尾号${(mem.idNumber || '').slice(-4)}`];
  return el('div', { class: 'who' }, el('span', { class: 'mname', text: mem.name }),
    el('span', { class: 'mmeta', text: bits.filter(Boolean).join(' · ') }));
}

function tierOf(it, tier) {
  return (it.tiers || []).find((t) => t.tier === tier);
}

// as the agent picks it: last year's tier where the gateway names it, else the lowest
function defaultTier(it) {
  if (!it.tiers || !it.tiers.length) return undefined;
  return tierOf(it, it.lastTier) ? it.lastTier : Math.min(...it.tiers.map((x) => x.tier));
}

function itemRow(s, mem, it, chosen) {
  const label = el('span', { class: 'ins', text: `${it.year}年${INS[it.insurance] || '保险'}` });
  // paid by the government at its lowest tier, a higher one the resident's choice (the difference theirs to pay)
  const higher = it.status === 'paid-by-government' && (it.tiers || []).some((t) => t.personalFen > 0);
  if (higher) {
    const sel = chosen.get(mem.ref + '/' + it.insurance + '/' + it.year);
    const t = sel && sel.tier !== undefined ? tierOf(it, sel.tier) : null;
    const row = el('div', { class: 'item done paid-by-government' }, label,
      el('span', { class: 'status', text: t ? `${t.tier}元档 · 个人缴${yuan(t.personalFen)}元` : STATUS[it.status] }));
    row.append(el('div', { class: 'tierline' },
      el('span', { class: 'tierinfo', text: t ? '政府代缴最低档，差额由您缴纳' : '可自愿选择更高档次，差额由您缴纳' }),
      el('button', { class: 'change-tier secondary', 'data-member': mem.ref, 'data-higher': it.insurance, text: t ? '更改档次' : '选择更高档次',
        onclick: () => { sheet = { mem, it }; last = ''; render(s); } })));
    return row;
  }
  if (it.status !== 'unpaid') {
    const when = it.paidAt ? `（${it.paidAt.slice(0, 10).replace(/^(\d+)-0?(\d+)-0?(\d+)$/, '$1年$2月$3日')}）` : '';
    const row = el('div', { class: 'item done ' + it.status }, label, el('span', { class: 'status', text: statusText(it) + when }));
    // why it cannot be paid here, in the gateway's words (a person not registered here, not yet 16, a closed window)
    const why = it.reasonText || (it.reason && CJK.test(it.reason) ? it.reason : '');
    if (why && (it.status === 'not-eligible' || it.status === 'not-available')) row.append(el('div', { class: 'why', text: why }));
    // part of a paid item given back since (a category that arrived late): personalFen is what stays paid
    if (it.status === 'paid' && it.refundedFen > 0) {
      row.append(el('div', { class: 'why refunded', text: `已退差额${yuan(it.refundedFen)}元，实缴${yuan(it.personalFen)}元` }));
    }
    return row;
  }
  const sel = chosen.get(mem.ref + '/' + it.insurance + '/' + it.year);
  const t = tierOf(it, sel && sel.tier !== undefined ? sel.tier : defaultTier(it));
  const fen = t ? t.personalFen : it.personalFen;
  const pick = el('button', { class: 'pick' + (sel ? ' on' : ''), 'data-member': mem.ref, 'data-insurance': it.insurance,
    'aria-pressed': String(!!sel), onclick: () => act({ action: 'toggle', memberRef: mem.ref, insurance: it.insurance, year: it.year }) },
  el('span', { class: 'box', text: sel ? '✓' : '' }), label, el('span', { class: 'amount', text: `${yuan(fen)}元` }));
  const row = el('div', { class: 'item' }, pick);
  const cover = (t && t.coverageStart) || it.coverageStart;
  if (it.insurance === 'medical' && cover && !cover.endsWith('-01-01')) {
    // cover that does not start with the year (a late payment's wait, a newborn's birth): said before paying
    // a break in cover's wait (the book's continuity rule) says so, or a resident wonders why cover starts later
    const afterBreak = [t, it].some((x) => x && x.rules && x.rules.some((r) => r.id === 'continuity'));
    row.append(el('div', { class: 'why', text: `${afterBreak ? '以前中断过参保，' : ''}医保待遇自${cover.replace(/^(\d+)-0?(\d+)-0?(\d+)$/, '$1年$2月$3日')}起享受` }));
  }
  if (it.tiers && it.tiers.length) {
    row.append(el('div', { class: 'tierline' },
      el('span', { class: 'tierinfo', text: it.insurance === 'pension' && t.subsidyFen > 0 ? `${t.tier}元档 · 政府补贴${yuan(t.subsidyFen)}元` : `${t.tier}元档` }),
      el('button', { class: 'change-tier secondary', 'data-member': mem.ref, text: '更改档次',
        onclick: () => { sheet = { mem, it }; last = ''; render(s); } })));
  }
  return row;
}

function tierSheet(s, chosen) {
  const { mem, it } = sheet;
  const sel = chosen.get(mem.ref + '/' + it.insurance + '/' + it.year);
  const list = el('div', { class: 'tiers' });
  // the tier the card shows is the one ticked, picked yet or not
  const current = sel && sel.tier !== undefined ? sel.tier : defaultTier(it);
  for (const t of it.tiers) {
    const on = t.tier === current;
    list.append(el('button', { class: 'tier' + (on ? ' on' : ''), 'data-tier': String(t.tier),
      onclick: () => { sheet = null; act({ action: 'toggle', memberRef: mem.ref, insurance: it.insurance, year: it.year, tier: t.tier }); } },
    el('span', { class: 'box', text: on ? '✓' : '' }), el('span', { class: 'tname', text: `${t.tier}元档` }),
    el('span', { class: 'tfen', text: `个人缴${yuan(t.personalFen)}元` }),
    it.insurance === 'pension' && t.subsidyFen > 0 ? el('span', { class: 'tsub', text: `补贴${yuan(t.subsidyFen)}元` }) : ''));
  }
  return el('div', { class: 'sheet', id: 'tierSheet' }, el('div', { class: 'sheet-body' },
    el('h2', { text: `${mem.name} ${INS[it.insurance] || ''} 选择缴费档次` }), list,
    el('button', { class: 'secondary', id: 'closeSheet', text: '不更改', onclick: () => { sheet = null; last = ''; render(s); } })));
}

const SCREENS = {
  IDLE: (s) => {
    resetTyped();
    // a printer that cannot print (no payment taken here) or a reader that cannot read: said before anything is done
    const notices = (s.notices || []).map((t, i) => phrases('notice device', t, 'device' + i));
    const keypad = el('div', { class: 'actions' }, el('button', { id: 'keypad', onclick: () => act({ action: 'keypad' }), text: '手动输入身份证号' }));
    // off while the last resident's receipt prints: no session begins until it is out (the notice says so)
    if (s.keypadOff) keypad.firstChild.setAttribute('disabled', 'disabled');
    if (s.readerFault) return [...notices, keypad];
    const pic = el('div', { class: 'picture' });
    pic.innerHTML = CARD_PICTURE;
    return [...notices, phrases('big', '请将身份证放在|下方读卡区'), pic,
      phrases('hint', '身份证已放在读卡区的，请拿起后重新放上；也可以手动输入身份证号'), keypad];
  },
  KEYPAD: (s) => entryScreen(s),
  // what the agent says it is doing (正在生成付款码 while the order is made), else a lookup
  LOOKING_UP: (s) => [phrases('big', s.message || '正在查询，请稍候…')],
  HOUSEHOLD: (s) => {
    const chosen = new Map((s.selection || []).map((x) => [x.memberRef + '/' + x.insurance + '/' + x.year, x]));
    const list = el('div', { class: 'members' });
    for (const mem of s.household.members) {
      const card = el('div', { class: 'member' }, memberLine(mem));
      for (const it of mem.insurances) card.append(itemRow(s, mem, it, chosen));
      list.append(card);
    }
    const whole = (s.wholeFamily || []).map((i) => INS[i] || i);
    const top = el('div', { class: 'top' });
    // a payment begun elsewhere and not finished: said first, in the colour of a warning
    if (s.inProgress) top.append(phrases('notice', s.inProgress, 'inProgress'));
    // the printer cannot print a receipt: nothing is paid here until it can, the buttons say so by being off
    if (s.payBlocked) top.append(phrases('notice', s.payBlocked, 'payBlocked'));
    if (s.allFen > 0) {
      const all = el('button', { id: 'payAll', class: 'primary payall', text: `全家缴费 ${yuan(s.allFen)}元`, onclick: () => act({ action: 'payAll' }) });
      if (s.payBlocked) all.setAttribute('disabled', 'disabled');
      top.append(all);
    }
    const picked = (s.selection || []).length > 0;
    const hint = s.message || (whole.length && picked ? `本地${whole.join('、')}须全家一起缴，已为您全部选上`
      : s.payable !== false ? '请选择要缴费的人员和险种' : '');
    if (hint) top.append(phrases(s.message ? 'hint done-all' : 'hint', hint, 'hint'));
    const ok = el('button', { id: 'confirm', class: 'primary', text: '去缴费', onclick: () => act({ action: 'confirm' }) });
    if (!s.selection || !s.selection.length || s.payBlocked) ok.setAttribute('disabled', 'disabled');
    const bar = el('div', { class: 'paybar' }, el('span', { id: 'total', class: 'total' }, `合计 ${yuan(s.selectedFen || 0)}元`,
      el('span', { class: 'count', text: `（${(s.selection || []).length}项）` })), ok);
    const scroll = el('div', { class: 'scroll' }, top, list);
    scroll.addEventListener('scroll', moreBelow);
    // members below the fold (four in 长辈模式 sideways show two): said, until the list is scrolled to its end
    const cue = el('p', { id: 'moreBelow', class: 'more-below hidden', text: `全家共${s.household.members.length}人，向下滑动查看全部` });
    const out = [scroll, cue, bar];
    if (sheet) out.push(tierSheet(s, chosen));
    return out;
  },
  CHANNEL: (s) => [phrases('big', `应缴 ${yuan(s.selectedFen || 0)}元，请选择支付方式`),
    s.message || s.payBlocked ? phrases('error', s.message || s.payBlocked, 'busy') : '',
    el('div', { class: 'actions channels' }, ...(s.channels || ['wechat', 'alipay']).map((ch) => {
      const b = el('button', { id: ch, class: 'channel ' + ch, onclick: () => act({ action: 'channel', channel: ch }) }, badge(ch));
      if (s.payBlocked) b.setAttribute('disabled', 'disabled');
      return b;
    })),
    el('div', { class: 'actions' }, el('button', { id: 'back', class: 'secondary', text: '上一步', onclick: () => act({ action: 'back' }) })),
    ...reviewed(s)],
  PAYING: (s) => [phrases('big', `请用${(CHANNELS[s.order.channel] || {}).scan || ''}扫码支付 ${yuan(s.order.totalFen)}元`, 'amount'),
    el('div', { class: 'center' }, badge(s.order.channel)),
    el('img', { class: 'qr', id: 'qr', alt: '付款二维码', src: '/api/qr.svg?t=' + Date.now() }),
    s.message ? phrases('error', s.message, 'unsure') : ''],
  PRINTING: () => [phrases('big', '支付成功，正在打印凭证…')],
  DONE: (s) => [phrases('big', s.message || '缴费成功', 'done'),
    s.takeCard ? phrases('hint', s.takeCard, 'takeCard') : '',
    s.paid ? el('p', { class: 'summary', id: 'paidSummary', text: `已缴 ${s.paid.items} 项，共 ${yuan(s.paid.fen)}元（${(CHANNELS[s.paid.channel] || {}).name || ''}）` }) : '',
    s.canReprint ? el('div', { class: 'actions' }, el('button', { id: 'reprint', text: '重新打印', onclick: () => act({ action: 'reprint' }) })) : '',
    // no paper came out: the receipt's number and the code its paper would carry, to photograph
    s.receipt ? el('div', { class: 'receipt-card', id: 'receiptCard' },
      el('p', { class: 'receipt-no', id: 'receiptNo', text: `凭证号：${s.receipt.no}` }),
      el('img', { class: 'verify-qr', id: 'verifyQr', alt: '凭证核验二维码', src: '/api/receipt-qr.svg?no=' + encodeURIComponent(s.receipt.no) }),
      phrases('hint', '请拍照留存，或到村（社区）补打', 'photoHint')) : ''],
  // the kiosk's own service does not answer (restarting): nothing of the last resident's left on the screen
  UNAVAILABLE: () => [phrases('big', '系统维护中，请稍候', 'unavailable'),
    phrases('hint', '请稍等片刻，或到其他缴费机办理。|如已扫码付款，请不要重复付款，请联系工作人员。', 'unavailableHint')],
  // messages broken between phrases, never inside a word (付 / 款)
  ERROR: (s) => [phrases('error', s.message || '系统繁忙，请稍后再试', 'error'),
    s.takeCard ? phrases('hint', s.takeCard, 'takeCard') : ''],
};

let screenNow = 'IDLE';
$('cancel').addEventListener('click', () => {
  // leaving a QR code cancels the order: asked first, so that a touch by mistake does not undo a payment under way
  if (screenNow === 'PAYING') confirmLeave();
  else act({ action: 'cancel' });
});

function confirmLeave() {
  let box = $('leave');
  if (!box) {
    box = el('div', { id: 'leave', class: 'sheet hidden' }, el('div', { class: 'sheet-body' },
      el('p', { class: 'big', text: '确定不付款、返回首页吗？' }),
      phrases('hint', '如果已经扫码付款，请不要返回，稍等几秒即可。'),
      el('button', { id: 'keepPaying', class: 'primary', text: '继续付款', onclick: () => box.classList.add('hidden') }),
      el('button', { id: 'leaveConfirmed', class: 'secondary', text: '确定返回首页', onclick: () => { box.classList.add('hidden'); act({ action: 'cancel' }); } })));
    document.body.append(box);
  }
  box.classList.remove('hidden');
}

// what is being paid for, member by member, on the screen where the channel is chosen
/**
 * What is paid for, below the channels: lines below the fold (a household of eight sideways, 长辈模式) are said, until the
 * list is scrolled to its end, so that the sum on top is never read against the lines in sight only.
 */
function reviewed(s) {
  const scroll = el('div', { class: 'scroll' }, review(s));
  scroll.addEventListener('scroll', moreBelow);
  return [scroll, el('p', { id: 'moreBelow', class: 'more-below hidden', text: `共${(s.selection || []).length}项，向下滑动查看全部` })];
}

function review(s) {
  const list = el('div', { class: 'review', id: 'review' });
  for (const x of s.selection || []) {
    const mem = ((s.household || {}).members || []).find((m) => m.ref === x.memberRef);
    const it = mem && mem.insurances.find((i) => i.insurance === x.insurance && i.year === x.year);
    const t = it && x.tier !== undefined ? tierOf(it, x.tier) : null;
    const fen = t ? t.personalFen : it ? it.personalFen : 0;
    // 尾号 tells apart members of one surname, masked alike (王*, 王*)
    const tail = mem && mem.idNumber ? ` 尾号${mem.idNumber.slice(-4)}` : '';
    list.append(el('div', { class: 'line' }, el('span', { text: `${mem ? mem.name : ''}${tail} ${x.year}年${INS[x.insurance] || x.insurance}`
      + (x.tier !== undefined ? ` ${x.tier}元档` : '') }), el('span', { class: 'amount', text: `${yuan(fen)}元` })));
  }
  return list;
}
$('elder').addEventListener('click', () => act({ action: 'elder', on: !document.body.classList.contains('elder') }));

// polls in a row the kiosk's service did not answer: past two seconds of them, the screen is cleared
let unanswered = 0;
async function poll() {
  let answered = false;
  try {
    const r = await fetch('/api/state', { cache: 'no-store' });
    if (r.ok) {
      render(await r.json());
      answered = true;
    }
  } catch (e) {
    // the agent restarts: try again
  }
  unanswered = answered ? 0 : unanswered + 1;
  if (unanswered === 5) render({ screen: 'UNAVAILABLE' });
  setTimeout(poll, 400);
}
poll();
