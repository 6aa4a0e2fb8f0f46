'use strict';
// The on-screen keyboards of the entry screen: digits and X for the ID number, pinyin with candidate
// characters (every CJK ideograph with a reading, GB2312's first, from the agent) for the name. What is typed stays in `typed` until the
// kiosk goes back to its idle screen, so a wrong name never costs the 18 digits.
const typed = { idNumber: '', name: '', field: 'idNumber', pinyin: '', page: 0, candidates: [] };

function resetTyped() {
  Object.assign(typed, { idNumber: '', name: '', field: 'idNumber', pinyin: '', page: 0, candidates: [] });
}

function idKeypad(onChange) {
  const pad = el('div', { class: 'keypad', id: 'idpad' });
  for (const k of ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'X', '0', '删除']) {
    pad.append(el('button', { class: 'key' + (k === '删除' ? ' secondary' : ''), 'data-key': k, text: k, onclick: () => {
      typed.idNumber = k === '删除' ? typed.idNumber.slice(0, -1) : (typed.idNumber + k).slice(0, 18);
      onChange();
    } }));
  }
  return pad;
}

async function loadCandidates() {
  if (!typed.pinyin) {
    typed.candidates = [];
    return;
  }
  const q = typed.pinyin;
  const r = await fetch('/api/pinyin?q=' + encodeURIComponent(q), { cache: 'no-store' });
  if (r.ok && q === typed.pinyin) typed.candidates = (await r.json()).candidates;
}

// the most of a name an ID card holds (its chip's field is 30 bytes): the gateway finds a longer name by its first fifteen
const NAME_MAX = 15;

function nameKeyboard(onChange) {
  const per = 8;
  const box = el('div', { class: 'namepad', id: 'namepad' });
  const shown = typed.candidates.slice(typed.page * per, typed.page * per + per);
  const bar = el('div', { class: 'candidates' },
    el('span', { class: 'pinyin', id: 'pinyin', text: typed.pinyin || '拼音' }));
  shown.forEach((c, i) => bar.append(el('button', { class: 'cand', 'data-cand': String(i), text: c, onclick: () => {
    typed.name = (typed.name + c).slice(0, NAME_MAX);
    typed.pinyin = '';
    typed.candidates = [];
    typed.page = 0;
    onChange();
  } })));
  const more = typed.candidates.length > (typed.page + 1) * per;
  bar.append(el('button', { class: 'page secondary', id: 'prevPage', text: '‹', onclick: () => { typed.page = Math.max(0, typed.page - 1); onChange(); } }),
    el('button', { class: 'page secondary', id: 'nextPage', text: '›', onclick: () => { if (more) typed.page++; onChange(); } }));
  box.append(bar);
  for (const row of ['qwertyuiop', 'asdfghjkl', 'zxcvbnm']) {
    const r = el('div', { class: 'letters' });
    for (const ch of row) {
      r.append(el('button', { class: 'letter', 'data-letter': ch, text: ch, onclick: async () => {
        typed.pinyin = (typed.pinyin + ch).slice(0, 6);
        typed.page = 0;
        await loadCandidates();
        onChange();
      } }));
    }
    box.append(r);
  }
  box.append(el('div', { class: 'letters' },
    // 吕, 绿, 女: ü has no key of its own
    el('span', { class: 'vhint', id: 'vHint', text: 'ü 请按 v' }),
    // the dot of a name such as 阿卜杜热合曼·买买提, as the ID card writes it: between two characters, once
    el('button', { class: 'secondary', id: 'nameDot', text: '· 间隔号', onclick: () => {
      if (!typed.pinyin && typed.name && !typed.name.endsWith('·')) typed.name = (typed.name + '·').slice(0, NAME_MAX);
      onChange();
    } }),
    el('button', { class: 'secondary wide', id: 'nameDelete', text: '删除', onclick: async () => {
      if (typed.pinyin) { typed.pinyin = typed.pinyin.slice(0, -1); await loadCandidates(); } else typed.name = typed.name.slice(0, -1);
      typed.page = 0;
      onChange();
    } }),
    el('button', { class: 'secondary wide', id: 'nameClear', text: '清空姓名', onclick: () => {
      Object.assign(typed, { name: '', pinyin: '', candidates: [], page: 0 });
      onChange();
    } })));
  return box;
}

function entryScreen(s) {
  const wrap = el('div', { class: 'entry' });
  // the agent's message is about what was sent: shown until either field is changed, not after it was mended
  const sent = typed.idNumber + '\u0000' + typed.name;
  // the field the agent found wrong (the number's length or check digit, the gateway's check, a missing name): its
  // keyboard up, to mend it at once
  if (s.mend === 'idNumber' || s.mend === 'name') typed.field = s.mend;
  const draw = () => {
    const idField = el('button', { class: 'field' + (typed.field === 'idNumber' ? ' active' : ''), id: 'idNumber',
      onclick: () => { typed.field = 'idNumber'; draw(); } },
    el('span', { class: 'flabel', text: '身份证号' }), el('span', { class: 'fvalue', text: typed.idNumber || '请输入18位号码' }));
    const nameField = el('button', { class: 'field' + (typed.field === 'name' ? ' active' : ''), id: 'name',
      onclick: () => { typed.field = 'name'; draw(); } },
    el('span', { class: 'flabel', text: '姓名' }), el('span', { class: 'fvalue', text: typed.name || '请用拼音输入' }));
    const lookup = el('button', { id: 'lookup', class: 'primary', text: '查询',
      onclick: () => act({ action: 'typed', idNumber: typed.idNumber, name: typed.name }) });
    if (typed.idNumber.length !== 18 || !typed.name) lookup.setAttribute('disabled', 'disabled');
    const said = s.message && typed.idNumber + '\u0000' + typed.name === sent;
    const fields = el('div', { class: 'fields' }, idField, nameField,
      // in phrases, as every other sentence on the screen: 长辈模式's large type breaks between them, not inside a word
      said ? phrases('error', s.message, 'entryError') : '',
      // an ID card holds fifteen characters of a name, and so does this keyboard: a longer name is found by them
      !said && typed.name.length >= NAME_MAX ? phrases('hint', `姓名超过${NAME_MAX}个字的，输入前${NAME_MAX}个字即可`, 'nameFull') : '',
      lookup);
    const keys = typed.field === 'idNumber' ? idKeypad(draw) : nameKeyboard(draw);
    wrap.replaceChildren(fields, keys);
  };
  draw();
  return [el('p', { class: 'hint', text: '请输入身份证号和姓名（点选上方输入框切换）' }), wrap];
}
