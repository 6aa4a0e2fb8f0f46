'use strict';
// The phone demo: a mini-program's pages (查询 → 家庭 → 支付 → 结果) against the public API, the pay sheet
// imitated by the channel sandbox with the very parameters wx.requestPayment / my.tradePay take.
const $ = (id) => document.getElementById(id);
// money as the kiosk says it, 1250.00元, from integer fen (no floating point)
const yuan = (fen) => `${Math.trunc(fen / 100)}.${String(Math.abs(fen % 100)).padStart(2, '0')}元`;
// a pension tier's subsidy, said only where there is one (no 补贴0.00元)
const subsidy = (it, t) => (it.insurance === 'pension' && t.subsidyFen > 0 ? ` · 补贴${yuan(t.subsidyFen)}` : '');
const INS = { medical: '医疗保险', pension: '养老保险' };
const SEX = { male: '男', female: '女' };
const STATUS = { paid: '已缴费', 'paid-by-government': '政府代缴', 'in-progress': '付款未完成', 'not-eligible': '暂不能参保', 'not-available': '暂不能缴费' };
const CJK = /[\u4e00-\u9fff]/;
// how an order ended, in the resident's words
const ENDED = { EXPIRED: '订单已超时，没有扣款', CANCELLED: '订单已取消，没有扣款', FAILED: '支付没有成功，没有扣款', REFUNDED: '已退款' };
const CHANNEL = { wechat: '微信支付', alipay: '支付宝', unionpay: '云闪付' };
// what a resident is told when the gateway or the channel cannot be reached: never that their phone is at fault
const UNREACHABLE = '连不上缴费服务，请稍后再试';

// a random (version 4) UUID; crypto.randomUUID exists only on https or this machine's own address, and the demo is
// also opened over plain http on a LAN address, where crypto.getRandomValues still does
function uuid() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// what an error says to the resident: our own Chinese words, else plain Chinese (never "Failed to fetch" or a stack)
function words(e) {
  const m = e && e.message;
  return m && CJK.test(m) ? m : '暂时无法办理，请稍后再试';
}

// fetch, its failure to reach the server said in the resident's words
async function reach(url, options, unreachable) {
  try {
    return await fetch(url, options);
  } catch (e) {
    throw new Error(unreachable || UNREACHABLE);
  }
}

// this phone's user at the channel: the sandbox hands out login codes for it, as wx.login / my.getAuthCode do
const PHONE_USER = 'demo-phone-' + (localStorage.demoPhone || (localStorage.demoPhone = uuid().slice(0, 8)));

let household = null;
let picked = new Map(); // memberRef/insurance/year → {memberRef, insurance, year, tier}
let channel = 'wechat';
let order = null;
// orders placed here and not yet paid or over, by household: looked up again (‹ then 查询), a household finds its own
// order still holding its items, with 继续支付 and 取消订单, rather than 付款未完成 and nothing to do until it expires
const openOrders = new Map();
let heldHere = false; // the household as last looked up shows items held by this page's own order, ended since
let offered = ['wechat', 'alipay']; // the channels the gateway takes in a mini-program (GET /api/v1/channels)

// "now" as the gateway's clock has it, from its last answer's Date header: a phone's own clock may be far out (an old
// phone, a battery changed), and a hold's end compared with it would be said wrongly
let clockOffset = 0;
function gatewayNow() {
  return Date.now() + clockOffset;
}
function noteGatewayTime(r) {
  const said = Date.parse(r.headers.get('Date') || '');
  if (!Number.isNaN(said)) clockOffset = said - Date.now();
}

// Every call to the gateway goes through here: one place to add a mini-program session's header.
const client = {
  headers: {},
  async call(method, path, body, extra) {
    const r = await reach(path, { method, headers: Object.assign({ 'Content-Type': 'application/json' }, client.headers, extra || {}),
      body: body ? JSON.stringify(body) : undefined });
    noteGatewayTime(r);
    const data = await r.json().catch(() => ({}));
    if (!r.ok) {
      // the gateway writes what a resident may read in Chinese; anything else is said in plain words
      const said = [data.detail, data.title].find((t) => t && CJK.test(t));
      throw new Error(said || (r.status >= 500 ? '系统繁忙，请稍后再试' : '暂时无法办理，请稍后再试'));
    }
    return data;
  },
  session: null, // the channel the session token was opened in
};

// where the sandbox is: read when first needed, and read again after a failure (never a rejection left from page load)
let sandboxRead = null;
function sandbox() {
  if (!sandboxRead) {
    sandboxRead = reach('/demo/sandbox.json').then((r) => {
      if (!r.ok) throw new Error(UNREACHABLE);
      return r.json();
    }).catch((e) => {
      sandboxRead = null;
      throw e;
    });
  }
  return sandboxRead;
}

// wx.login / my.getAuthCode (imitated by the sandbox), then the gateway exchanges the code for a session
async function login(ch) {
  if (client.session === ch) return;
  const s = await sandbox();
  const app = ch === 'wechat' ? `appid=${s.wechatAppId}` : `app_id=${s.alipayAppId}`;
  const r = await reach(`${s.sandboxUrl}/sandbox/login/${ch}?${app}&user=${PHONE_USER}`, { method: 'POST' });
  const got = r.ok ? await r.json().catch(() => null) : null;
  if (!got) throw new Error('登录没有成功，请重新进入小程序');
  delete client.headers.Authorization;
  const session = await client.call('POST', `/api/v1/session/${ch}`, { code: got.code || got.authCode });
  client.headers.Authorization = `Bearer ${session.token}`;
  client.session = ch;
}

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'onclick') e.addEventListener('click', v); else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
}

function show(page, title) {
  for (const p of ['find', 'family', 'result']) $(p).classList.toggle('hidden', p !== page);
  $('navTitle').textContent = title;
  $('back').style.visibility = page === 'find' ? 'hidden' : 'visible';
  window.scrollTo(0, 0);
}

// a toast stays twice as long in 长辈模式; one shown after another is not cut short by the first one's timer
let toastTimer = null;
function toast(text, millis) {
  $('toast').textContent = text;
  $('toast').classList.remove('hidden');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => $('toast').classList.add('hidden'), (millis || 1800) * (document.body.classList.contains('elder') ? 2 : 1));
}

// what happened to a payment or a cancel: kept on the family page by the pay button until the next try, and said at once
function payNote(text) {
  $('payError').textContent = text;
  toast(text, 4000);
}

// 长辈模式: larger text, kept on this phone for the next visit
// the wait is a break in cover's (a book's continuity rule): said, so that a resident knows why cover starts later
function afterBreak(it) {
  return !!(it && it.rules && it.rules.some((r) => r.id === 'continuity'));
}

function elder(on) {
  document.body.classList.toggle('elder', on);
  $('elder').checked = on;
  localStorage.demoElder = on ? 'on' : '';
}
$('elder').onchange = () => elder($('elder').checked);
elder(localStorage.demoElder === 'on');

// ---- 查询

$('lookup').onclick = async () => {
  $('findError').textContent = '';
  if (!$('id').value.trim() || !$('name').value.trim()) {
    $('findError').textContent = '请输入身份证号和姓名';
    return;
  }
  try {
    await login(channel);
    offered = ((await client.call('GET', '/api/v1/channels')).channels || []).filter((c) => (c.modes || []).includes('mini')).map((c) => c.name);
    channel = offered[0] || 'wechat';
    await findHousehold();
    $('payError').textContent = '';
    renderFamily();
    show('family', '家庭缴费');
  } catch (e) { $('findError').textContent = words(e); }
};

// the household of the ID number and name typed, with the order it placed here if that is still to be paid
async function findHousehold() {
  household = await client.call('POST', '/api/v1/lookup', { idNumber: $('id').value.normalize('NFKC').trim().toUpperCase(), name: $('name').value.trim() });
  heldHere = false;
  picked = new Map();
  order = await stillOpen(household.household.ref);
  if (order) {
    channel = order.channel;
    return;
  }
  const whole = new Set((household.wholeFamilyRequired || []).map((w) => w.insurance + '/' + w.year));
  for (const [key, it] of payable()) if (whole.has(it.insurance + '/' + it.year) || whole.has(it.insurance + '/undefined')) pick(key, it);
}

// an order paid or over: no longer offered to its household
function forget(o) {
  for (const [ref, x] of openOrders) if (o && x.id === o.id) openOrders.delete(ref);
}

// the household's order placed here, as the gateway has it now, while it can still be paid; null once it is over
async function stillOpen(ref) {
  const o = openOrders.get(ref);
  if (!o) return null;
  let now;
  try {
    now = await client.call('GET', `/api/v1/orders/${o.id}`);
  } catch (e) {
    return o; // not known now: offered still, so that it can be paid or cancelled, never a dead end
  }
  if (now.state === 'PAYING' && now.payment) {
    openOrders.set(ref, now);
    return now;
  }
  openOrders.delete(ref);
  return null;
}

// ---- 家庭: members told apart, a switch per insurance, tiers in an action sheet

function payable() {
  const m = new Map();
  for (const mem of household.members) for (const it of mem.insurances) if (it.status === 'unpaid') m.set(mem.ref + '/' + it.insurance + '/' + it.year, Object.assign({ ref: mem.ref }, it));
  return m;
}

// an item's status in the resident's words is the gateway's (statusText: whether one not to be paid here need not be
// paid at all or cannot be yet, decided there once for every screen, never "不在此缴费"); the status's own words where
// an answer has none
function statusText(it) {
  return (it.statusText && CJK.test(it.statusText) ? it.statusText : null) || STATUS[it.status] || '暂不能缴费';
}

function tierOf(it, t) { return (it.tiers || []).find((x) => x.tier === t); }
function defaultTier(it) {
  if (!it.tiers || !it.tiers.length) return undefined;
  return tierOf(it, it.lastTier) ? it.lastTier : Math.min(...it.tiers.map((x) => x.tier));
}
// paid by the government at the lowest tier, a higher tier the resident's choice (the difference theirs to pay)
function upgradable() {
  const m = new Map();
  for (const mem of household.members) for (const it of mem.insurances) {
    if (it.status === 'paid-by-government' && (it.tiers || []).some((t) => t.personalFen > 0)) {
      m.set(mem.ref + '/' + it.insurance + '/' + it.year, Object.assign({ ref: mem.ref }, it));
    }
  }
  return m;
}

function pick(key, it) {
  // an order pays one benefit year of a member's insurance: picking one year drops the other
  for (const [k, x] of picked) if (x.memberRef === it.ref && x.insurance === it.insurance && x.year !== it.year) picked.delete(k);
  const sel = { memberRef: it.ref, insurance: it.insurance, year: it.year };
  if (defaultTier(it) !== undefined) sel.tier = defaultTier(it);
  picked.set(key, sel);
}
function fenOf(it, sel) { const t = sel && sel.tier !== undefined ? tierOf(it, sel.tier) : null; return t ? t.personalFen : it.personalFen; }

function toggle(key, it) {
  if (order) return;
  // the whole-family rule is per insurance and benefit year (a region may collect two years at once)
  const whole = (household.wholeFamilyRequired || []).some((w) => w.insurance === it.insurance && (w.year === undefined || w.year === it.year));
  const on = !picked.has(key);
  for (const [k, x] of payable()) {
    if (k === key || (whole && x.insurance === it.insurance && x.year === it.year)) { if (on) pick(k, x); else picked.delete(k); }
  }
  renderFamily();
}

function renderFamily() {
  const h = household.household;
  // a region whose name is already the township's (如皋市如城街道) is not followed by it again
  $('place').textContent = [h.region.name, h.region.name.endsWith(h.township) ? '' : h.township, h.village].filter(Boolean).join(' ');
  const items = payable();
  const higher = upgradable();
  // nothing to pay here: no amounts of 0.00, no pay button nor channels, only what there is to say, in large type
  const nothing = !order && !heldHere && items.size === 0 && higher.size === 0;
  // items a payment started elsewhere holds (not this page's own order, offered with 继续支付 and 取消订单): never
  // "nothing to pay", but where to finish it, or when they may be paid here
  const held = order || heldHere ? [] : household.members.flatMap((m) => m.insurances).filter((i) => i.status === 'in-progress');
  $('family').classList.toggle('nothing-to-pay', nothing);
  $('held').textContent = held.length ? heldText(held) : '';
  $('held').classList.toggle('hidden', !held.length);
  $('done').textContent = nothing && !held.length ? '您家本年度没有需要缴费的项目' : '';
  $('done').classList.toggle('hidden', !nothing || held.length > 0);
  // said of an insurance the whole family pays together only when its items are picked: not of a medical all paid,
  // beside a pension picked alone
  const rules = household.wholeFamilyRequired || [];
  const whole = [...new Set([...picked.values()].filter((x) => rules.some((w) => w.insurance === x.insurance
    && (w.year === undefined || w.year === x.year))).map((x) => INS[x.insurance]))];
  // an order of this page left open: until when its code takes a payment (half a minute before the order ends)
  const payBy = order && order.expiresAt && !Number.isNaN(Date.parse(order.expiresAt)) ? beijingBefore(order.expiresAt, 30) : null;
  $('rule').textContent = payBy ? `请在${payBy}以前付款；过时订单自动取消，不会扣款`
    : whole.length ? `本地${whole.join('、')}须全家一起缴，已为您全部选上`
    : !nothing && !order && !heldHere && !held.length && items.size === 0 ? '您家本年度没有需要缴费的项目' : '';
  const box = $('members');
  box.replaceChildren();
  for (const mem of household.members) {
    box.append(el('div', { class: 'cells-title who' }, el('b', { text: mem.name }),
      el('span', { text: ` ${SEX[mem.sex] || ''} · ${mem.age}岁 · 尾号${mem.idNumber.slice(-4)}` })));
    const cells = el('div', { class: 'cells' });
    for (const it of mem.insurances) {
      const key = mem.ref + '/' + it.insurance + '/' + it.year;
      if (it.status !== 'unpaid') {
        const when = it.paidAt ? `（${it.paidAt.slice(0, 10).replace(/^(\d+)-0?(\d+)-0?(\d+)$/, '$1年$2月$3日')}）` : '';
        cells.append(el('div', { class: 'cell' }, el('span', { class: 'cell-bd', text: `${it.year}年${INS[it.insurance]}` }),
          el('span', { class: 'cell-ft status ' + it.status, text: statusText(it) + when })));
        if (higher.has(key)) {
          const sel = picked.get(key);
          const t = sel ? tierOf(it, sel.tier) : null;
          cells.append(el('div', { class: 'cell access', 'data-higher-for': mem.ref, onclick: () => openTiers(mem, it, key) },
            el('span', { class: 'cell-bd', text: '缴费档次' }),
            el('span', { class: 'cell-ft', text: t ? `${t.tier}元档 · 个人缴${yuan(t.personalFen)}` : '可选更高档次，差额自缴' })));
        }
        // why it cannot be paid here, in the gateway's words
        const why = it.reasonText || (it.reason && CJK.test(it.reason) ? it.reason : '');
        if (why && (it.status === 'not-eligible' || it.status === 'not-available')) {
          cells.append(el('div', { class: 'cell why reason' }, el('span', { class: 'cell-bd', text: why })));
        }
        // part of a paid item given back since (a category that arrived late): personalFen is what stays paid
        if (it.status === 'paid' && it.refundedFen > 0) {
          cells.append(el('div', { class: 'cell why refunded' }, el('span', { class: 'cell-bd', text: `已退差额${yuan(it.refundedFen)}，实缴${yuan(it.personalFen)}` })));
        }
        continue;
      }
      const sel = picked.get(key);
      const sw = el('input', { type: 'checkbox', class: 'switch', 'data-member': mem.ref, 'data-insurance': it.insurance, 'aria-label': INS[it.insurance] });
      sw.checked = !!sel;
      // an order placed holds what it was placed for: pay it or cancel it, nothing switched off under it
      sw.disabled = !!order;
      sw.onchange = () => toggle(key, items.get(key));
      cells.append(el('label', { class: 'cell' }, el('span', { class: 'cell-bd', text: `${it.year}年${INS[it.insurance]}` }),
        el('span', { class: 'cell-ft amount', text: yuan(fenOf(it, sel || { tier: defaultTier(it) })) }), sw));
      const chosenTier = it.tiers && it.tiers.length ? tierOf(it, sel ? sel.tier : defaultTier(it)) : null;
      const cover = (chosenTier && chosenTier.coverageStart) || it.coverageStart;
      if (it.insurance === 'medical' && cover && !cover.endsWith('-01-01')) {
        // cover that does not start with the year (a late payment's wait, a newborn's birth): said before paying
        cells.append(el('div', { class: 'cell why cover' }, el('span', { class: 'cell-bd',
          text: `${afterBreak(chosenTier) || afterBreak(it) ? '以前中断过参保，' : ''}医保待遇自${cover.replace(/^(\d+)-0?(\d+)-0?(\d+)$/, '$1年$2月$3日')}起享受` })));
      }
      if (it.tiers && it.tiers.length) {
        const t = chosenTier;
        cells.append(el('div', { class: 'cell access', 'data-tier-for': mem.ref, onclick: () => openTiers(mem, it, key) },
          el('span', { class: 'cell-bd', text: '缴费档次' }), el('span', { class: 'cell-ft', text: `${t.tier}元档${subsidy(it, t)}` })));
      }
    }
    box.append(cells);
  }
  const chs = $('channels');
  chs.replaceChildren(...offered.map((c) => {
    const r = el('input', { type: 'radio', name: 'channel', value: c, id: 'ch-' + c });
    r.checked = c === channel;
    r.onchange = () => { channel = c; };
    return el('label', { class: 'cell radio' }, el('span', { class: 'badge ' + c, text: CHANNEL[c] ? CHANNEL[c].slice(0, 1) : c }),
      el('span', { class: 'cell-bd', text: CHANNEL[c] || c }), r);
  }));
  let fen = 0;
  for (const [k, sel] of picked) fen += fenOf(items.get(k) || higher.get(k), sel);
  let all = 0;
  for (const [k, it] of items) all += fenOf(it, picked.get(k) || { tier: defaultTier(it) });
  $('total').textContent = yuan(order ? order.totalFen : fen);
  // nothing picked yet: not in the red of a sum to pay
  $('total').classList.toggle('zero', !order && fen === 0);
  // an order placed and not paid: pay it (the sheet again) or cancel it, never a dead end
  $('payAll').textContent = order ? '取消订单' : `全家缴费 ${yuan(all)}`;
  // not in the pay button's green: a resident tapping where 全家缴费 was, to pay, must not cancel by it
  $('payAll').classList.toggle('primary', !order);
  $('payAll').classList.toggle('default', !!order);
  // nothing the whole family owes (a higher tier may still be chosen): no 全家缴费 of nothing
  $('payAll').parentElement.classList.toggle('hidden', !order && all === 0);
  $('pay').disabled = !order && picked.size === 0;
  $('pay').textContent = order ? '继续支付' : '去支付';
}

// a time in Beijing time, as 10点05分: the minute it is over, so that "after" is never too early
function beijingTime(iso) {
  return beijingClock(Math.ceil(Date.parse(iso) / 60000) * 60000);
}

// a time in Beijing time, as 10点04分, {@code seconds} before iso: the minute it began, so that "before" is never too late
function beijingBefore(iso, seconds) {
  return beijingClock(Math.floor((Date.parse(iso) - seconds * 1000) / 60000) * 60000);
}

// a whole minute (epoch milliseconds) on Beijing's clock, as 10点05分
function beijingClock(ms) {
  const d = new Date(ms + 8 * 3600 * 1000);
  return `${d.getUTCHours()}点${String(d.getUTCMinutes()).padStart(2, '0')}分`;
}

// what the resident reads of items a payment started elsewhere holds: finish it there, or when they are free again
// (the latest hold's end: the gateway's heldUntil, the expiry of the order holding each; one already past by the gateway's
// clock is not a time the resident has missed: the gateway frees the items at its next sweep, seconds later)
function heldText(held) {
  const ends = held.map((i) => i.heldUntil).filter((t) => t && !Number.isNaN(Date.parse(t))).sort((a, b) => Date.parse(a) - Date.parse(b));
  const last = ends.length ? ends[ends.length - 1] : null;
  const when = !last ? '过一会儿' : Date.parse(last) <= gatewayNow() ? '稍等一两分钟' : `${beijingTime(last)}后`;
  return `有一笔缴费还没有付款完成（可能在另一部手机或缴费机上），请在那里付完；如果不付，${when}可以重新缴费`;
}

function openTiers(mem, it, key) {
  if (order) return;
  const sheet = $('tierSheet');
  const current = (picked.get(key) || {}).tier ?? defaultTier(it);
  sheet.replaceChildren(el('div', { class: 'sheet-title', text: `${mem.name} ${INS[it.insurance]} · 选择缴费档次` }),
    ...it.tiers.map((t) => el('button', { class: 'sheet-cell' + (t.tier === current ? ' on' : ''), 'data-tier': String(t.tier), onclick: () => {
      if (it.status === 'paid-by-government' && t.personalFen === 0) {
        picked.delete(key); // back to what the government pays
      } else {
        if (!picked.has(key)) pick(key, Object.assign({ ref: mem.ref }, it));
        picked.get(key).tier = t.tier;
      }
      closeSheets();
      renderFamily();
    } }, el('span', { text: `${t.tier}元档` }), el('span', { class: 'sub', text: `个人缴${yuan(t.personalFen)}${subsidy(it, t)}` }))),
    el('button', { class: 'sheet-cell cancel', text: '取消', onclick: closeSheets }));
  $('mask').classList.remove('hidden');
  sheet.classList.remove('hidden');
}

function closeSheets() {
  for (const id of ['mask', 'tierSheet', 'paySheet']) $(id).classList.add('hidden');
}
$('mask').onclick = closeSheets;

// ---- 支付: the order in mini-program mode, then the channel's pay sheet

$('payAll').onclick = () => {
  if (order) {
    cancelOrder();
    return;
  }
  for (const [k, it] of payable()) if (!picked.has(k)) pick(k, it);
  renderFamily();
  pay();
};
$('pay').onclick = () => {
  $('payError').textContent = '';
  return order ? paySheet().catch((e) => settle(words(e))) : pay();
};

// a payment that did not go through: an order closed meanwhile is over; otherwise it may still be paid or cancelled
function settle(text) {
  if (text.includes('超时')) ended(text);
  else payNote(text);
}

// the order is over (cancelled, expired, refused): said where the resident looks, and the family page is live again
async function ended(text) {
  forget(order);
  order = null;
  // looked up while the order held them, its items show 付款未完成 (held by this page's own order, never said to be held
  // elsewhere): looked up again, they can be picked and paid
  heldHere = household.members.some((m) => m.insurances.some((i) => i.status === 'in-progress'));
  renderFamily();
  payNote(text);
  if (heldHere) {
    try {
      await findHousehold();
      renderFamily();
    } catch (e) { /* the page stays as it is; 查询 again shows the household anew */ }
  }
}

async function cancelOrder() {
  $('payError').textContent = '';
  try {
    await client.call('POST', `/api/v1/orders/${order.id}/cancel`, {});
    await ended('订单已取消，没有扣款');
  } catch (e) { payNote(words(e)); }
}

async function pay() {
  $('payError').textContent = '';
  if (order) return;
  try {
    // the payer is the resident of the session: a session opened in the channel paid with
    await login(channel);
    order = await client.call('POST', '/api/v1/orders', { householdRef: household.household.ref, channel, mode: 'mini',
      items: [...picked.values()] }, { 'Idempotency-Key': uuid() });
    openOrders.set(household.household.ref, order);
    renderFamily();
    await paySheet();
  } catch (e) { settle(words(e)); }
}


// what wx.requestPayment / my.tradePay would be given, and the sheet they raise
async function sheetCall(confirm) {
  const p = order.payment;
  const body = order.channel === 'alipay' ? { tradeNO: p.alipayTradeNo, confirm } : Object.assign({ confirm }, p.wechatPayment);
  const r = await reach(`${(await sandbox()).sandboxUrl}/sandbox/sheet/${order.channel}`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }, '连不上支付服务，支付没有完成，请稍后再试');
  const data = await r.json().catch(() => ({}));
  if (!r.ok) {
    // the channel's own words (requestPayment:fail …) are for developers; the resident is told what it means
    const closed = /关闭|过期|超时|CLOSED|EXPIRED/i.test(data.errMsg || data.memo || '');
    throw new Error(closed ? '订单已超时，没有扣款，请重新下单' : '支付没有完成，没有扣款，请重新支付');
  }
  return data;
}

async function paySheet() {
  const shown = await sheetCall(false);
  const sheet = $('paySheet');
  sheet.replaceChildren(el('div', { class: 'sheet-title', text: order.channel === 'alipay' ? '支付宝 · 确认付款' : '微信支付' }),
    el('div', { class: 'pay-amount', id: 'sheetAmount', text: yuan(shown.totalFen) }),
    el('div', { class: 'cell' }, el('span', { class: 'cell-bd', text: '收款方' }), el('span', { class: 'cell-ft', text: '城乡居民两险（演示）' })),
    el('div', { class: 'cell' }, el('span', { class: 'cell-bd', text: '商品' }), el('span', { class: 'cell-ft', text: shown.description || '' })),
    el('div', { class: 'btn-area' }, el('button', { id: 'confirmPay', class: 'btn primary ' + order.channel, text: '确认支付', onclick: async (ev) => {
      // a second tap (old fingers often give two) neither pays again nor starts a second wait that clears the first
      if (ev.currentTarget.disabled) return;
      ev.currentTarget.disabled = true;
      let sure = true;
      try {
        await sheetCall(true);
      } catch (e) {
        // sent, and the answer lost or a failure: the money may have been taken all the same. Only the gateway knows,
        // so it is asked, as after a payment; never "没有扣款" on the sheet's word, nor 继续支付 offered meanwhile
        sure = false;
      }
      closeSheets();
      await result(sure);
    } })));
  $('mask').classList.remove('hidden');
  sheet.classList.remove('hidden');
}

// ---- 结果: the gateway holds the status request until the order changes

// what the result page says: set whole each time, so nothing of an earlier order stays on it
function resultPage(icon, mark, title, amount, note) {
  $('resultIcon').className = 'icon ' + icon;
  $('resultIcon').textContent = mark;
  $('resultTitle').textContent = title;
  $('resultAmount').textContent = amount;
  $('resultNote').textContent = note;
  $('receipt').replaceChildren();
  for (const id of ['receiptTitle', 'verify', 'recheck', 'resultCancel']) $(id).classList.add('hidden');
  show('result', '缴费结果');
}

// one look at an order's result at a time: a second (刷新结果 tapped twice) would clear the page the first fills
let looking = null;
let lastSure = true; // whether the channel said it took the money, for 刷新结果
async function result(sure) {
  if (looking === order.id) return;
  looking = order.id;
  try {
    await lookAtResult(sure !== false);
  } finally {
    looking = null;
  }
}

// once the channel has taken the money (or may have: `sure` false) the resident waits here, never back where 继续支付
// and 取消订单 are offered
async function lookAtResult(sure) {
  lastSure = sure;
  resultPage('wait', '…', sure ? '已付款，正在确认结果' : '正在确认支付结果', '',
    sure ? '请稍候，不要重复付款' : '支付的结果还没有传回来。如已扣款，款不会丢失，请稍候，不要重复付款；如果您没有付款，可以取消订单');
  // not knowing whether the money was taken, the resident who did not pay need not wait for the order to expire: the
  // gateway asks the channel before it cancels, and refuses (已经支付成功, 付款正在处理中) if the money was taken
  if (!sure) $('resultCancel').classList.remove('hidden');
  let o;
  let r;
  try {
    o = await client.call('GET', `/api/v1/orders/${order.id}?waitSeconds=20&state=PAYING`);
    while (o.state === 'PAYING') o = await client.call('GET', `/api/v1/orders/${order.id}?waitSeconds=20&state=PAYING`);
    if (o.state === 'PAID') r = await client.call('GET', `/api/v1/orders/${order.id}/receipt`);
  } catch (e) {
    // the payment was made (or may have been): the next step is to look again, not to pay again
    $('resultNote').textContent = `${words(e)}。${sure ? '已付的款' : '如已扣款，款'}不会丢失，请不要重复付款`;
    $('recheck').classList.remove('hidden');
    return;
  }
  forget(order);
  if (o.state !== 'PAID') {
    // money taken all the same (paid with another amount, or after the order ended) is given back, never "没有扣款":
    // where it is in the gateway's words (moneyBack: gone back, going back, or to be given back by the staff), as the
    // kiosk says it
    const refunds = Array.isArray(o.refunds) ? o.refunds : [];
    const back = refunds.length === 0 ? null : o.moneyBack || (o.state === 'REFUNDED' ? '已原路退回' : '将原路退回');
    resultPage('warn', '!', back ? `这笔缴费没有办成，款项${back}` : ENDED[o.state] || '支付没有完成', '', '');
    return;
  }
  resultPage('ok', '✓', '支付成功', yuan(r.totalFen), '');
  const cell = (k, v, id) => el('div', { class: 'cell' }, el('span', { class: 'cell-bd', text: k }), el('span', { class: 'cell-ft', id: id || '', text: v }));
  $('receipt').replaceChildren(cell('凭证号', r.receiptNo, 'receiptNo'), cell('缴费年度', r.benefitYears.map((y) => y + '年').join('、')),
    ...r.items.map((i) => cell(`${i.name} 尾号${i.idNumber.slice(-4)}`, `${INS[i.insurance]}${i.tier ? ' ' + i.tier + '元档' : ''} ${yuan(i.personalFen)}`)),
    cell('支付方式', r.channelName, 'channelName'), cell('交易号', r.transactionId), cell('缴费时间', r.paidAtText, 'paidAt'));
  $('verify').href = '/r/' + r.receiptNo;
  for (const id of ['receiptTitle', 'verify']) $(id).classList.remove('hidden');
}
$('recheck').onclick = () => result(lastSure);
$('resultCancel').onclick = async (ev) => {
  const b = ev.currentTarget;
  if (b.disabled || !order) return;
  b.disabled = true;
  try {
    await client.call('POST', `/api/v1/orders/${order.id}/cancel`, {});
    forget(order);
    resultPage('warn', '!', ENDED.CANCELLED, '', '');
  } catch (e) {
    $('resultNote').textContent = words(e);
  } finally {
    b.disabled = false;
  }
};

// 返回首页 once a payment is done: the last resident's ID number and name not left on the first page (a village
// helper's phone serves many); ‹ keeps them, to look the same household up again
$('again').onclick = () => {
  household = null;
  order = null;
  $('id').value = '';
  $('name').value = '';
  show('find', '城乡居民两险缴费');
};
$('back').onclick = () => { closeSheets(); show('find', '城乡居民两险缴费'); };
show('find', '城乡居民两险缴费');
