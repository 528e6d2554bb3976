// The Link Gap page. Plain JS, no build step: the query lives in the URL (see crates/api/src/
// gap_query.rs for the parameters; `toTask` below builds the same task), the table comes from
// the API itself, the pictures from /overlap.json, the export from /export.csv.
'use strict';

(() => {
  const API = '/v3/backlinks/domain_intersection/live';
  const MAX_TARGETS = 20;
  const MAX_EXCLUDES = 10;
  const MAX_FILTERS = 8;
  const DEFAULT_LIMIT = 50;

  // The columns of each competitor's group; every one sorts through the API's order_by.
  const COLUMNS = [
    { metric: 'rank', label: 'Rank' },
    { metric: 'backlinks', label: 'Backlinks' },
    { metric: 'referring_pages', label: 'Ref. pages' },
    { metric: 'first_seen', label: 'First seen' },
    { metric: 'referring_domains_nofollow', label: 'Nofollow' },
  ];
  // Metrics offered in result filters, and which of them take numbers.
  const FILTER_METRICS = [
    ['rank', 'rank'],
    ['backlinks', 'backlinks'],
    ['referring_pages', 'referring pages'],
    ['referring_pages_nofollow', 'nofollow pages'],
    ['backlinks_spam_score', 'spam score'],
    ['first_seen', 'first seen'],
  ];
  const TEXT_METRICS = new Set(['target', 'first_seen', 'lost_date']);
  const OPS = ['>=', '<=', '>', '<', '=', '<>'];

  const $ = (id) => document.getElementById(id);
  const fmt = new Intl.NumberFormat('en-US');

  // ---- the query: URL <-> state <-> API task ----------------------------------------------

  function parseQuery(search) {
    const p = new URLSearchParams(search);
    const list = (name) => p.getAll(name).map((s) => s.trim()).filter(Boolean);
    const int = (name, dflt) => {
      const n = Number.parseInt(p.get(name) ?? '', 10);
      return Number.isFinite(n) && n >= 0 ? n : dflt;
    };
    return {
      targets: list('t'),
      excludes: list('x'),
      mode: p.get('mode') === 'partial' ? 'partial' : 'all',
      status: ['lost', 'all'].includes(p.get('status')) ? p.get('status') : 'live',
      dofollow: p.get('dofollow') === '1',
      subdomains: p.get('subdomains') !== '0',
      filters: list('f').map(parseFilter),
      sort: list('sort'),
      offset: int('offset', 0),
      limit: int('limit', DEFAULT_LIMIT) || DEFAULT_LIMIT,
    };
  }

  function parseFilter(text) {
    const [field = '', op = '', ...rest] = text.split(',');
    return { field: field.trim(), op: op.trim(), value: rest.join(',').trim() };
  }

  function toQuery(s, paging = true) {
    const p = new URLSearchParams();
    s.targets.forEach((t) => p.append('t', t));
    s.excludes.forEach((x) => p.append('x', x));
    if (s.mode !== 'all') p.set('mode', s.mode);
    if (s.status !== 'live') p.set('status', s.status);
    if (s.dofollow) p.set('dofollow', '1');
    if (!s.subdomains) p.set('subdomains', '0');
    s.filters.forEach((f) => p.append('f', `${f.field},${f.op},${f.value}`));
    s.sort.forEach((o) => p.append('sort', o));
    if (paging) {
      if (s.offset) p.set('offset', String(s.offset));
      p.set('limit', String(s.limit));
    }
    return p.toString().replace(/%2C/g, ',');
  }

  function isNumericField(field) {
    if (field === 'intersections_count') return true;
    const metric = field.split('.')[1] ?? '';
    return !TEXT_METRICS.has(metric);
  }

  function filterValue(field, raw) {
    if (!isNumericField(field)) return raw;
    const n = Number(raw);
    return raw !== '' && Number.isFinite(n) ? n : raw;
  }

  // The same mapping as gap_query::task_from_query.
  function toTask(s) {
    const task = { targets: {} };
    s.targets.forEach((t, i) => { task.targets[String(i + 1)] = t; });
    if (s.excludes.length) task.exclude_targets = s.excludes;
    const conds = s.filters.map((f) => [f.field, f.op, filterValue(f.field, f.value)]);
    if (conds.length === 1) task.filters = conds[0];
    else if (conds.length > 1) task.filters = conds.flatMap((c, i) => (i ? ['and', c] : [c]));
    if (s.sort.length) task.order_by = s.sort;
    if (s.mode !== 'all') task.intersection_mode = s.mode;
    if (s.status !== 'live') task.backlinks_status_type = s.status;
    if (s.dofollow) task.backlinks_filters = ['dofollow', '=', true];
    if (!s.subdomains) task.include_subdomains = false;
    if (s.offset) task.offset = s.offset;
    task.limit = s.limit;
    return task;
  }

  // ---- the form ------------------------------------------------------------------------------

  const lines = (text) => text.split('\n').map((l) => l.trim()).filter(Boolean);

  function readForm(previous) {
    const targets = lines($('targets').value);
    const filters = [...$('filter-rows').children]
      .map((row) => ({
        field: row.querySelector('.f-field').value,
        op: row.querySelector('.f-op').value,
        value: row.querySelector('.f-value').value.trim(),
      }))
      .filter((f) => f.field && f.value !== '');
    // A sort on a competitor that is gone would be refused by the API: drop it.
    const keyOk = (field) => {
      const key = field.split('.')[0];
      return !/^\d+$/.test(key) || Number(key) <= targets.length;
    };
    return {
      targets,
      excludes: lines($('excludes').value),
      mode: document.querySelector('input[name=mode]:checked').value,
      status: $('status').value,
      dofollow: $('dofollow').checked,
      subdomains: $('subdomains').checked,
      filters,
      sort: (previous?.sort ?? []).filter(keyOk),
      offset: 0,
      limit: Number($('limit').value) || DEFAULT_LIMIT,
    };
  }

  function fillForm(s) {
    $('targets').value = s.targets.join('\n');
    $('excludes').value = s.excludes.join('\n');
    $(s.mode === 'partial' ? 'mode-partial' : 'mode-all').checked = true;
    $('status').value = s.status;
    $('dofollow').checked = s.dofollow;
    $('subdomains').checked = s.subdomains;
    const limit = $('limit');
    if (![...limit.options].some((o) => Number(o.value) === s.limit)) {
      limit.append(new Option(String(s.limit)));
    }
    limit.value = String(s.limit);
    $('filter-rows').replaceChildren();
    s.filters.forEach(addFilterRow);
  }

  function filterFields() {
    const targets = lines($('targets').value).slice(0, MAX_TARGETS);
    const fields = [['intersections_count', 'competitors linked']];
    targets.forEach((t, i) => {
      FILTER_METRICS.forEach(([m, label]) => fields.push([`${i + 1}.${m}`, `${t} · ${label}`]));
    });
    return fields;
  }

  function fillFieldSelect(select, value) {
    const fields = filterFields();
    if (value && !fields.some(([f]) => f === value)) fields.push([value, value]);
    select.replaceChildren(...fields.map(([f, label]) => new Option(label, f)));
    if (value) select.value = value;
  }

  function addFilterRow(f) {
    const rows = $('filter-rows');
    if (rows.children.length >= MAX_FILTERS) return;
    const row = el('div', { class: 'filter-row' });
    const field = el('select', { class: 'f-field', 'aria-label': 'Filter field' });
    fillFieldSelect(field, f?.field);
    const op = el('select', { class: 'f-op', 'aria-label': 'Operator' });
    const ops = f?.op && !OPS.includes(f.op) ? [...OPS, f.op] : OPS;
    op.replaceChildren(...ops.map((o) => new Option(o.replace('>=', '≥').replace('<=', '≤').replace('<>', '≠'), o)));
    op.value = f?.op || '>=';
    const value = el('input', { class: 'f-value', type: 'text', 'aria-label': 'Value', placeholder: 'value' });
    value.value = f?.value ?? '';
    const remove = el('button', { type: 'button', class: 'f-remove', 'aria-label': 'Remove filter', title: 'Remove filter' }, '×');
    remove.addEventListener('click', () => { row.remove(); updateAddFilter(); });
    row.append(field, op, value, remove);
    rows.append(row);
    updateAddFilter();
  }

  function updateAddFilter() {
    $('add-filter').hidden = $('filter-rows').children.length >= MAX_FILTERS;
  }

  // ---- running a query -------------------------------------------------------------------------

  let state = null;
  let overlapKey = null;
  let tableAbort = null;
  let overlapAbort = null;

  function showError(message) {
    const box = $('error');
    box.textContent = message || '';
    box.hidden = !message;
  }

  function validate(s) {
    if (!s.targets.length) return 'Enter at least one competitor.';
    if (s.targets.length > MAX_TARGETS) return `At most ${MAX_TARGETS} competitors (you entered ${s.targets.length}).`;
    if (s.excludes.length > MAX_EXCLUDES) return `At most ${MAX_EXCLUDES} of your sites (you entered ${s.excludes.length}).`;
    return null;
  }

  function run(s, push) {
    state = s;
    const problem = validate(s);
    if (problem) {
      showError(problem);
      return;
    }
    showError(null);
    const qs = toQuery(s);
    if (push) history.pushState(null, '', `?${qs}`);
    $('intro').hidden = true;
    $('export').href = `/export.csv?${toQuery(s, false)}`;
    loadTable(s);
    const key = toQuery({ ...s, sort: [] }, false);
    if (key !== overlapKey) {
      overlapKey = key;
      loadOverlap(s, key);
    }
  }

  async function loadTable(s) {
    tableAbort?.abort();
    const abort = (tableAbort = new AbortController());
    document.body.classList.add('busy');
    $('progress').hidden = false;
    const started = performance.now();
    try {
      const resp = await fetch(API, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify([toTask(s)]),
        signal: abort.signal,
      });
      const env = await resp.json();
      const task = env.tasks?.[0];
      if (env.status_code !== 20000 || !task || task.status_code !== 20000) {
        throw new Error((task ?? env).status_message || `HTTP ${resp.status}`);
      }
      renderResult(s, task.result[0], performance.now() - started);
    } catch (e) {
      if (e.name === 'AbortError') return;
      showError(`The query failed: ${e.message}`);
      $('table-card').hidden = true;
      $('summary').hidden = true;
    } finally {
      if (tableAbort === abort) {
        document.body.classList.remove('busy');
        $('progress').hidden = true;
      }
    }
  }

  async function loadOverlap(s, key) {
    overlapAbort?.abort();
    const abort = (overlapAbort = new AbortController());
    $('charts').hidden = false;
    $('charts').classList.add('pending');
    $('upset-note').textContent = 'counting…';
    try {
      const resp = await fetch(`/overlap.json?${key}`, { signal: abort.signal });
      const body = await resp.json();
      if (!resp.ok) throw new Error(body.status_message || `HTTP ${resp.status}`);
      renderOverlap(s, body);
    } catch (e) {
      if (e.name === 'AbortError') return;
      overlapKey = null;
      $('upset').replaceChildren(el('p', { class: 'empty' }, `Could not count the overlap: ${e.message}`));
      $('ranks').replaceChildren();
      $('upset-note').textContent = '';
    } finally {
      if (overlapAbort === abort) $('charts').classList.remove('pending');
    }
  }

  // ---- the table -------------------------------------------------------------------------------

  function currentSort(s) {
    if (s.sort.length) {
      const [field, dir] = s.sort[0].split(',');
      return { field, dir: (dir || 'asc').trim() };
    }
    return { field: 'intersections_count', dir: 'desc' }; // the API's default order
  }

  function sortHeader(s, field, label, extra = {}) {
    const sort = currentSort(s);
    const active = sort.field === field;
    const th = el('th', { scope: 'col', ...extra });
    if (active) th.setAttribute('aria-sort', sort.dir === 'desc' ? 'descending' : 'ascending');
    const button = el('button', { type: 'button', class: `sort${active ? ` active ${sort.dir}` : ''}`, 'data-field': field, title: `Sort by ${label}` }, label);
    button.addEventListener('click', () => {
      const dir = active && sort.dir === 'desc' ? 'asc' : 'desc';
      run({ ...state, sort: [`${field},${dir}`], offset: 0 }, true);
    });
    th.append(button);
    return th;
  }

  function renderResult(s, result, ms) {
    const keys = Object.keys(result.targets).sort((a, b) => Number(a) - Number(b));
    const n = keys.length;
    $('total').textContent = fmt.format(result.total_count);
    const whom = n === 1 ? 'your competitor' : s.mode === 'all' ? `all ${n} competitors` : `at least 2 of ${n} competitors`;
    const mine = !s.excludes.length ? '' : s.excludes.length === 1 ? ', but not to your site' : `, but to none of your ${s.excludes.length} sites`;
    $('headline-text').textContent = `referring ${result.total_count === 1 ? 'site links' : 'sites link'} to ${whom}${mine}`;
    $('took').textContent = `${(ms / 1000).toFixed(2)} s`;
    $('summary').hidden = false;

    const head1 = el('tr');
    head1.append(el('th', { rowspan: 2, class: 'num idx', scope: 'col' }, '#'));
    head1.append(el('th', { rowspan: 2, class: 'site', scope: 'col' }, 'Referring site'));
    head1.append(sortHeader(s, 'intersections_count', 'Shared', { rowspan: 2, class: 'num shared' }));
    const head2 = el('tr');
    keys.forEach((k, i) => {
      head1.append(el('th', { colspan: COLUMNS.length, class: `group g${i % 2}`, scope: 'colgroup', title: result.targets[k] }, result.targets[k]));
      COLUMNS.forEach((c, j) => head2.append(sortHeader(s, `${k}.${c.metric}`, c.label, { class: `num g${i % 2}${j === 0 ? ' first' : ''}` })));
    });
    $('results').tHead.replaceChildren(head1, head2);

    const body = document.createDocumentFragment();
    result.items.forEach((item, row) => {
      const per = item.domain_intersection;
      const site = keys.map((k) => per[k]?.target).find(Boolean) ?? '';
      const tr = el('tr', { 'data-site': site });
      tr.append(el('td', { class: 'num idx' }, fmt.format(s.offset + row + 1)));
      const link = el('a', { href: `https://${site}/`, target: '_blank', rel: 'noopener noreferrer' }, site);
      tr.append(el('td', { class: 'site' }, link));
      tr.append(cell('intersections_count', item.summary.intersections_count, `${item.summary.intersections_count}/${n}`, 'num shared'));
      keys.forEach((k, i) => {
        const m = per[k];
        if (!m) {
          tr.append(el('td', { colspan: COLUMNS.length, class: `nolink g${i % 2} first`, 'data-key': k }, 'no link'));
          return;
        }
        COLUMNS.forEach((c, j) => tr.append(metricCell(k, c.metric, m[c.metric], `g${i % 2}${j === 0 ? ' first' : ''}`)));
      });
      body.append(tr);
    });
    $('results').tBodies[0].replaceChildren(body);
    if (!result.items.length) {
      const tr = el('tr');
      tr.append(el('td', { colspan: 3 + n * COLUMNS.length, class: 'empty' }, result.total_count ? 'No rows on this page.' : 'No referring site matches this query.'));
      $('results').tBodies[0].append(tr);
    }
    renderPager(s, result.total_count);
    $('table-card').hidden = false;
  }

  function cell(field, value, text, cls) {
    return el('td', { class: cls, 'data-field': field, 'data-v': value ?? '' }, text);
  }

  function metricCell(key, metric, value, cls) {
    const field = `${key}.${metric}`;
    if (metric === 'rank') {
      const td = cell(field, value, '', `num rank ${cls}`);
      const bar = el('span', { class: 'rankbar', 'aria-hidden': 'true' }, el('i'));
      bar.firstChild.style.width = `${Math.max(0, Math.min(100, value / 10))}%`;
      td.append(bar, el('span', {}, fmt.format(value)));
      return td;
    }
    if (metric === 'first_seen') {
      const td = cell(field, value, (value ?? '').slice(0, 10), `date ${cls}`);
      td.title = value ?? '';
      return td;
    }
    if (metric === 'referring_domains_nofollow') {
      // Only the exception is marked: a site none of whose links to this competitor is dofollow.
      const td = cell(field, value, '', `tag ${cls}`);
      if (value) td.append(el('span', { class: 'badge nofollow', title: 'no dofollow link to this competitor' }, 'nofollow'));
      return td;
    }
    return cell(field, value, fmt.format(value), `num ${cls}`);
  }

  function renderPager(s, total) {
    const pager = $('pager');
    const pages = Math.max(1, Math.ceil(total / s.limit));
    const page = Math.floor(s.offset / s.limit);
    const from = total ? s.offset + 1 : 0;
    const to = Math.min(total, s.offset + s.limit);
    const go = (p) => run({ ...state, offset: p * s.limit }, true);
    const button = (label, p, attrs = {}) => {
      const b = el('button', { type: 'button', class: 'page', ...attrs }, label);
      if (p < 0 || p >= pages || p === page) b.disabled = true;
      else b.addEventListener('click', () => go(p));
      return b;
    };
    const items = [el('span', { class: 'range' }, `${fmt.format(from)}–${fmt.format(to)} of ${fmt.format(total)}`)];
    const nav = el('span', { class: 'pages' });
    nav.append(button('‹ Prev', page - 1, { 'data-page': 'prev' }));
    const shown = new Set([0, pages - 1]);
    for (let p = page - 2; p <= page + 2; p++) if (p >= 0 && p < pages) shown.add(p);
    let last = -1;
    [...shown].sort((a, b) => a - b).forEach((p) => {
      if (p > last + 1) nav.append(el('span', { class: 'gap' }, '…'));
      const b = button(fmt.format(p + 1), p, { 'data-page': String(p + 1) });
      if (p === page) { b.classList.add('current'); b.setAttribute('aria-current', 'page'); }
      nav.append(b);
      last = p;
    });
    nav.append(button('Next ›', page + 1, { 'data-page': 'next' }));
    items.push(nav);
    pager.replaceChildren(...items);
  }

  // ---- the pictures ----------------------------------------------------------------------------

  const SVG = 'http://www.w3.org/2000/svg';

  function svg(tag, attrs = {}, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    children.forEach((c) => node.append(c));
    return node;
  }

  function tip(text) {
    return svg('title', {}, text);
  }

  function short(text, max) {
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
  }

  function renderOverlap(s, o) {
    renderUpset(s, o);
    renderRanks(o);
  }

  function renderUpset(s, o) {
    const box = $('upset');
    const sets = o.sets;
    const n = sets.length;
    const note = $('upset-note');
    note.textContent = n > 1 ? `${fmt.format(o.shared_total)} sites link to 2 or more` : '';
    if (n < 2) {
      box.replaceChildren(el('p', { class: 'empty' }, 'Add a second competitor to see which of them share referring sites.'));
      return;
    }
    if (!o.combinations.length) {
      box.replaceChildren(el('p', { class: 'empty' }, 'No referring site links to two of these competitors.'));
      return;
    }
    const threshold = s.mode === 'all' ? n : 2;
    const width = Math.max(360, box.clientWidth || 640);
    const labelW = 150;
    const setW = 70;
    const left = labelW + setW;
    const colW = Math.max(18, Math.min(84, (width - left - 8) / o.combinations.length));
    const cols = o.combinations.slice(0, Math.floor((width - left - 8) / colW));
    const rowH = n > 10 ? 15 : 21;
    const barsH = 150;
    const top = 18;
    const height = top + barsH + 10 + n * rowH + 4;
    const max = Math.max(...cols.map((c) => c.count));
    const maxSet = Math.max(1, ...sets.map((x) => x.count));
    const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'upset', role: 'img', 'aria-label': 'Referring sites shared by each combination of competitors' });
    const mY = top + barsH + 10; // matrix top
    // Row stripes, labels and set sizes.
    sets.forEach((set, r) => {
      const y = mY + r * rowH;
      if (r % 2 === 0) root.append(svg('rect', { x: 0, y, width, height: rowH, class: 'stripe' }));
      const label = svg('text', { x: labelW - 8, y: y + rowH / 2, class: 'row-label', 'text-anchor': 'end', 'dominant-baseline': 'central' }, short(set.target, 22));
      label.append(tip(`${set.target}: ${fmt.format(set.count)} of the shared sites link to it`));
      root.append(label);
      const w = Math.max(1, ((setW - 12) * set.count) / maxSet);
      const bar = svg('rect', { x: left - 6 - w, y: y + rowH * 0.25, width: w, height: rowH * 0.5, class: 'set-bar', rx: 2 });
      bar.append(tip(`${set.target}: ${fmt.format(set.count)}`));
      root.append(bar);
    });
    root.append(svg('text', { x: left - 6, y: mY - 4, class: 'axis-note', 'text-anchor': 'end' }, 'sites'));
    // Bars and membership dots.
    cols.forEach((c, i) => {
      const x = left + i * colW;
      const cx = x + colW / 2;
      const h = Math.max(1, (barsH * c.count) / max);
      const inResult = c.keys.length >= threshold;
      const names = c.keys.map((k) => o.targets[k]).join(' + ');
      const bar = svg('rect', { x: x + colW * 0.18, y: top + barsH - h, width: colW * 0.64, height: h, rx: 2, class: inResult ? 'bar in' : 'bar', 'data-keys': c.keys.join(','), 'data-count': c.count });
      bar.append(tip(`${names}: ${fmt.format(c.count)} sites${inResult ? ' (in your result)' : ''}`));
      root.append(bar);
      root.append(svg('text', { x: cx, y: top + barsH - h - 4, class: 'bar-label', 'text-anchor': 'middle' }, compact(c.count)));
      const rows = c.keys.map((k) => sets.findIndex((x) => x.key === k)).filter((r) => r >= 0);
      const y0 = mY + Math.min(...rows) * rowH + rowH / 2;
      const y1 = mY + Math.max(...rows) * rowH + rowH / 2;
      sets.forEach((_, r) => root.append(svg('circle', { cx, cy: mY + r * rowH + rowH / 2, r: Math.min(5, rowH / 3.2), class: 'dot' })));
      root.append(svg('line', { x1: cx, x2: cx, y1: y0, y2: y1, class: inResult ? 'link in' : 'link' }));
      rows.forEach((r) => root.append(svg('circle', { cx, cy: mY + r * rowH + rowH / 2, r: Math.min(5, rowH / 3.2), class: inResult ? 'dot on in' : 'dot on' })));
    });
    root.append(svg('line', { x1: left, x2: width - 4, y1: top + barsH + 0.5, y2: top + barsH + 0.5, class: 'axis' }));
    const legend = el('div', { class: 'legend' });
    legend.append(el('span', { class: 'key in' }), document.createTextNode(s.mode === 'all' ? 'links to all: your result' : 'in your result'));
    if (s.mode === 'all') legend.append(el('span', { class: 'key' }), document.createTextNode('links to some'));
    const hidden = o.combinations.length - cols.length + o.other_combinations.combinations;
    if (hidden > 0) legend.append(el('span', { class: 'more' }, `${fmt.format(hidden)} smaller combinations not shown`));
    box.replaceChildren(root, legend);
  }

  function compact(n) {
    if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
    if (n >= 1e4) return `${(n / 1e3).toFixed(n >= 1e5 ? 0 : 1)}k`;
    return fmt.format(n);
  }

  function renderRanks(o) {
    const box = $('ranks');
    const counts = o.rank_histogram.counts;
    const bw = o.rank_histogram.bucket_width;
    const width = Math.max(260, box.clientWidth || 320);
    const height = 230;
    const left = 8;
    const bottom = 28;
    const top = 18;
    const max = Math.max(1, ...counts);
    const colW = (width - left * 2) / counts.length;
    const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'ranks', role: 'img', 'aria-label': 'Distribution of the ranks of the gap sites' });
    counts.forEach((c, i) => {
      const h = c ? Math.max(1, ((height - top - bottom) * c) / max) : 0;
      const x = left + i * colW;
      const bar = svg('rect', { x: x + 2, y: height - bottom - h, width: colW - 4, height: h, rx: 2, class: `bar b${i}`, 'data-count': c });
      bar.append(tip(`rank ${i * bw}–${i === counts.length - 1 ? i * bw + bw : i * bw + bw - 1}: ${fmt.format(c)} sites`));
      root.append(bar);
      if (c) root.append(svg('text', { x: x + colW / 2, y: height - bottom - h - 4, class: 'bar-label', 'text-anchor': 'middle' }, compact(c)));
      root.append(svg('text', { x: x + colW / 2, y: height - bottom + 16, class: 'tick', 'text-anchor': 'middle' }, String(i * bw)));
    });
    root.append(svg('line', { x1: left, x2: width - left, y1: height - bottom + 0.5, y2: height - bottom + 0.5, class: 'axis' }));
    box.replaceChildren(root);
  }

  // ---- small DOM helper ------------------------------------------------------------------------

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    children.forEach((c) => node.append(c));
    return node;
  }

  // ---- wiring ----------------------------------------------------------------------------------

  function start() {
    $('query-form').addEventListener('submit', (e) => {
      e.preventDefault();
      run(readForm(state), true);
    });
    $('add-filter').addEventListener('click', () => addFilterRow(null));
    $('targets').addEventListener('input', () => {
      document.querySelectorAll('#filter-rows .f-field').forEach((sel) => fillFieldSelect(sel, sel.value));
    });
    $('copy-link').addEventListener('click', async () => {
      const b = $('copy-link');
      try {
        await navigator.clipboard.writeText(location.href);
        b.textContent = 'Copied';
      } catch {
        b.textContent = 'Copy failed';
      }
      setTimeout(() => { b.textContent = 'Copy link'; }, 1500);
    });
    window.addEventListener('popstate', () => load(false));
    load(false);
  }

  function load(push) {
    const s = parseQuery(location.search);
    fillForm(s);
    if (s.targets.length) {
      run(s, push);
      return;
    }
    // Back to the empty page: the introduction again, no stale result.
    state = null;
    overlapKey = null;
    tableAbort?.abort();
    overlapAbort?.abort();
    ['summary', 'charts', 'table-card', 'error'].forEach((id) => { $(id).hidden = true; });
    $('intro').hidden = false;
  }

  start();
})();
