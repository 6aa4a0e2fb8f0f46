'use strict';
// The page only shows what /api/state says and reports touches to /api/action; the agent decides everything.
const $ = (id) => document.getElementById(id);
const yuan = (fen) => (fen / 100).toFixed(2);
const INS = { medical: '医疗保险', pension: '养老保险' };
const STATUS = { paid: '已缴费', 'paid-by-government': '政府代缴', 'in-progress': '缴费办理中', 'not-eligible': '无需缴费', 'not-available': '暂不能缴费' };
let last = '';
let typed = { idNumber: '', name: '', field: 'idNumber' };

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

function render(s) {
  const key = JSON.stringify(s, (k, v) => (k === 'secondsLeft' ? undefined : v));
  document.body.classList.toggle('elder', !!s.elder);
  $('elder').setAttribute('aria-pressed', String(!!s.elder));
  $('countdown').textContent = s.secondsLeft !== undefined && s.screen !== 'IDLE' ? `剩余 ${s.secondsLeft} 秒` : '';
  $('cancel').style.visibility = s.screen === 'IDLE' || s.screen === 'PRINTING' ? 'hidden' : 'visible';
  if (key === last) return;
  last = key;
  const m = $('screen');
  m.dataset.screen = s.screen;
  m.replaceChildren(...(SCREENS[s.screen] || SCREENS.ERROR)(s));
}

const SCREENS = {
  IDLE: () => {
    typed = { idNumber: '', name: '', field: 'idNumber' };
    return [
      el('p', { class: 'big', text: '请将身份证放在读卡区' }),
      el('p', { class: 'hint', text: '也可以插入社保卡，或手动输入身份证号' }),
      el('div', { class: 'actions' }, el('button', { id: 'keypad', onclick: () => act({ action: 'keypad' }), text: '手动输入身份证号' }))];
  },
  KEYPAD: (s) => {
    const id = el('input', { id: 'idNumber', readonly: 'readonly', placeholder: '身份证号（18位）' });
    id.value = typed.idNumber;
    const name = el('input', { id: 'name', placeholder: '姓名' });
    name.value = typed.name;
    name.addEventListener('input', () => { typed.name = name.value; });
    const pad = el('div', { class: 'keypad' });
    for (const k of ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'X', '0', '删除']) {
      pad.append(el('button', { class: 'key', 'data-key': k, text: k, onclick: () => {
        typed.idNumber = k === '删除' ? typed.idNumber.slice(0, -1) : (typed.idNumber + k).slice(0, 18);
        id.value = typed.idNumber;
      } }));
    }
    return [el('p', { class: 'hint', text: '请输入身份证号和姓名' }), id, pad, name,
      s.message ? el('p', { class: 'error', text: s.message }) : '',
      el('div', { class: 'actions' }, el('button', { id: 'lookup', text: '查询', onclick: () => act({ action: 'typed', idNumber: typed.idNumber, name: typed.name }) }))];
  },
  LOOKING_UP: () => [el('p', { class: 'big', text: '正在查询，请稍候…' })],
  HOUSEHOLD: (s) => {
    const chosen = new Map((s.selection || []).map((x) => [x.memberRef + '/' + x.insurance, x]));
    const list = el('div', { class: 'members' });
    for (const mem of s.household.members) {
      const card = el('div', { class: 'member' }, el('h3', { text: `${mem.name}  ${mem.idNumber}` }));
      for (const it of mem.insurances) {
        const row = el('div', { class: 'item' }, el('span', { text: `${it.year}年 ${INS[it.insurance] || it.insurance}` }));
        if (it.status !== 'unpaid') {
          row.append(el('span', { class: 'status', text: STATUS[it.status] || it.status }));
        } else if (it.tiers && it.tiers.length) {
          for (const t of it.tiers) {
            const on = chosen.get(mem.ref + '/' + it.insurance);
            row.append(el('button', { class: 'tier' + (on && on.tier === t.tier ? ' on' : ''), 'data-member': mem.ref, 'data-insurance': it.insurance,
              text: `${t.tier}元档 个人缴 ${yuan(t.personalFen)}元`, onclick: () => act({ action: 'toggle', memberRef: mem.ref, insurance: it.insurance, tier: t.tier }) }));
          }
        } else {
          const on = chosen.has(mem.ref + '/' + it.insurance);
          row.append(el('button', { class: 'pick' + (on ? ' on' : ''), 'data-member': mem.ref, 'data-insurance': it.insurance,
            text: `${on ? '✓ ' : ''}个人缴 ${yuan(it.personalFen)}元`, onclick: () => act({ action: 'toggle', memberRef: mem.ref, insurance: it.insurance }) }));
        }
        card.append(row);
      }
      list.append(card);
    }
    const ok = el('button', { id: 'confirm', text: '去缴费', onclick: () => act({ action: 'confirm' }) });
    if (!s.selection || !s.selection.length) ok.setAttribute('disabled', 'disabled');
    return [el('p', { class: 'hint', text: '请选择要缴费的人员和险种' }), list,
      el('p', { class: 'total', id: 'total', text: `合计：${yuan(s.selectedFen || 0)} 元` }), el('div', { class: 'actions' }, ok)];
  },
  CHANNEL: (s) => [el('p', { class: 'big', text: `应缴 ${yuan(s.selectedFen || 0)} 元，请选择支付方式` }),
    el('div', { class: 'actions' },
      el('button', { id: 'wechat', text: '微信支付', onclick: () => act({ action: 'channel', channel: 'wechat' }) }),
      el('button', { id: 'alipay', text: '支付宝', onclick: () => act({ action: 'channel', channel: 'alipay' }) }))],
  PAYING: (s) => [el('p', { class: 'big', id: 'amount', text: `请用${s.order.channel === 'alipay' ? '支付宝' : '微信'}扫码支付 ${yuan(s.order.totalFen)} 元` }),
    el('img', { class: 'qr', id: 'qr', alt: '付款二维码', src: '/api/qr.svg?t=' + Date.now() })],
  PRINTING: () => [el('p', { class: 'big', text: '支付成功，正在打印凭证…' })],
  DONE: (s) => [el('p', { class: 'big', id: 'done', text: s.message || '缴费成功' }),
    s.canReprint ? el('div', { class: 'actions' }, el('button', { id: 'reprint', text: '重新打印', onclick: () => act({ action: 'reprint' }) })) : ''],
  ERROR: (s) => [el('p', { class: 'error', id: 'error', text: s.message || '系统繁忙，请稍后再试' })],
};

$('cancel').addEventListener('click', () => act({ action: 'cancel' }));
$('elder').addEventListener('click', () => act({ action: 'elder', on: !document.body.classList.contains('elder') }));

async function poll() {
  try {
    const r = await fetch('/api/state', { cache: 'no-store' });
    if (r.ok) render(await r.json());
  } catch (e) {
    // the agent restarts: keep the last screen and try again
  }
  setTimeout(poll, 400);
}
poll();
