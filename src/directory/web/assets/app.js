// The directory page: fetches /api/directory, renders the summary, the filterable services
// table, a service's detail, the findings and the topology. DOM built with textContent only.
'use strict';

(function () {
  const state = { data: null, fetchedAt: 0, selected: null, token: sessionStorage.getItem('directoryToken') || '' };
  const $ = (id) => document.getElementById(id);
  const OWNER_LABELS = {
    'lattice-gateway-hooks': 'lattice-gateway-hooks',
    'aws-gateway-api-controller': 'AWS Go controller',
    'gateway-api-controller': 'a Gateway API controller',
    none: 'nobody',
  };

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (key === 'class') node.className = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) node.append(child instanceof Node ? child : String(child));
    return node;
  }

  function ownerText(owner) {
    if (owner.manager === 'none') return 'nobody';
    const where = owner.thisCluster ? 'this cluster' : 'cluster ' + (owner.cluster || '?');
    return OWNER_LABELS[owner.manager] + ' (' + where + ')' + (owner.source ? ': ' + owner.source : '');
  }

  function serviceOwnerText(service) {
    return ownerText(service.owner) + (service.shared ? ', shared by account ' + service.arn.split(':')[4] : '');
  }

  function findingsOf(directory, service) {
    const listenerIds = new Set(service.listeners.map((l) => l.id));
    const groupIds = new Set(service.targetGroupIds);
    return directory.findings.filter((f) => f.resourceId === service.id || listenerIds.has(f.resourceId) || groupIds.has(f.resourceId));
  }

  function logsText(directory, service) {
    if (service.accessLogDestinations.length > 0) return 'service';
    const networks = new Map(directory.serviceNetworks.map((n) => [n.id, n]));
    return service.networks.some((m) => (networks.get(m.serviceNetworkId)?.accessLogDestinations.length || 0) > 0) ? 'network' : 'none';
  }

  function ageText() {
    const d = state.data;
    if (!d || d.ageSeconds === null) return d && d.refreshing ? 'reading Lattice…' : 'no data yet';
    const age = d.ageSeconds + Math.round((Date.now() - state.fetchedAt) / 1000);
    return 'data read ' + age + ' s ago (' + d.refreshedAt + '), refreshed every ' + d.refreshSeconds + ' s';
  }

  function renderSummary(directory) {
    const s = directory.summary;
    const cards = [
      ['service networks', s.serviceNetworks],
      ['services', s.services],
      ['target groups', s.targetGroups],
      ['healthy targets', s.healthyTargets + ' / ' + s.targets],
      ['high findings', s.findingsBySeverity.high],
      ['medium findings', s.findingsBySeverity.medium],
    ];
    $('summary').replaceChildren(
      ...cards.map(([label, value]) => el('div', { class: 'card', 'data-card': label }, el('strong', {}, value), label)),
    );
  }

  function matches(directory, service) {
    const query = $('search').value.trim().toLowerCase();
    const owner = $('filter-owner').value;
    const auth = $('filter-auth').value;
    if (owner && service.owner.manager !== owner) return false;
    if (auth && service.authType !== auth) return false;
    if ($('filter-findings').checked && findingsOf(directory, service).length === 0) return false;
    if (!query) return true;
    const haystack = [
      service.name,
      service.id,
      service.dnsName || '',
      service.customDomainName || '',
      serviceOwnerText(service),
      ...service.networks.map((n) => n.serviceNetworkName),
    ]
      .join(' ')
      .toLowerCase();
    return haystack.includes(query);
  }

  function renderServices(directory) {
    const rows = directory.services
      .filter((s) => matches(directory, s))
      .map((s) => {
        const findings = findingsOf(directory, s);
        const worst = ['high', 'medium', 'low', 'info'].find((sev) => findings.some((f) => f.severity === sev));
        return el(
          'tr',
          { 'data-service-id': s.id, class: s.id === state.selected ? 'selected' : '' },
          el('td', {}, el('button', { class: 'link', type: 'button', onclick: () => select(s.id) }, s.name)),
          el('td', {}, serviceOwnerText(s)),
          el('td', {}, s.networks.map((n) => n.serviceNetworkName).join(', ') || '—'),
          el('td', {}, s.dnsName || '—'),
          el('td', {}, s.authType + (s.authPolicy ? ' + policy' : '')),
          el('td', {}, logsText(directory, s)),
          el('td', { class: 'health-' + s.health }, s.health),
          el('td', { class: worst ? 'sev-' + worst : '' }, findings.length ? findings.length + ' (' + worst + ')' : '—'),
        );
      });
    $('services').tBodies[0].replaceChildren(...rows);
    $('shown').textContent = rows.length + ' of ' + directory.services.length + ' services';
  }

  function actionText(action) {
    if (action.type === 'forward')
      return (
        'forward to ' + action.targetGroups.map((t) => (t.targetGroupName || t.targetGroupId) + ' (weight ' + t.weight + ')').join(', ')
      );
    if (action.type === 'fixed-response') return 'fixed response ' + action.statusCode;
    return 'unknown action';
  }

  function renderDetail(directory) {
    const service = directory.services.find((s) => s.id === state.selected);
    $('detail').hidden = !service;
    if (!service) return;
    $('detail-title').textContent = 'Service ' + service.name;
    const facts = [
      ['Id', service.id],
      ['Status', service.status],
      ['Owner', serviceOwnerText(service)],
      ['DNS name', service.dnsName || '—'],
      ['Custom domain', service.customDomainName || '—'],
      ['Auth', service.authType + (service.authPolicy ? ' with an auth policy' : '')],
      ['Access logs', service.accessLogDestinations.join(', ') || logsText(directory, service)],
      ['Networks', service.networks.map((n) => n.serviceNetworkName + ' (' + n.status + ')').join(', ') || 'none'],
    ];
    const body = [el('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]))];
    for (const listener of service.listeners) {
      body.push(el('h3', {}, 'Listener ' + listener.name + ' (' + listener.protocol + ' ' + listener.port + ')'));
      body.push(
        el(
          'table',
          { class: 'rules', 'data-listener-id': listener.id },
          el('thead', {}, el('tr', {}, el('th', {}, 'Priority'), el('th', {}, 'Match'), el('th', {}, 'Action'))),
          el(
            'tbody',
            {},
            ...listener.rules.map((r) =>
              el('tr', {}, el('td', {}, r.isDefault ? 'default' : r.priority), el('td', {}, r.match), el('td', {}, actionText(r.action))),
            ),
          ),
        ),
      );
    }
    const groups = directory.targetGroups.filter((g) => service.targetGroupIds.includes(g.id));
    body.push(el('h3', {}, 'Target health'));
    body.push(
      el(
        'table',
        { class: 'targets' },
        el('thead', {}, el('tr', {}, el('th', {}, 'Target group'), el('th', {}, 'Target'), el('th', {}, 'Status'))),
        el(
          'tbody',
          {},
          ...groups.flatMap((g) =>
            (g.targets.length ? g.targets : [null]).map((t) =>
              el(
                'tr',
                {},
                el('td', {}, g.name),
                el('td', {}, t ? t.id + (t.port ? ':' + t.port : '') : 'no targets'),
                el('td', {}, t ? t.status + (t.reasonCode ? ' (' + t.reasonCode + ')' : '') : '—'),
              ),
            ),
          ),
        ),
      ),
    );
    const findings = findingsOf(directory, service);
    body.push(el('h3', {}, 'Findings'));
    body.push(
      findings.length
        ? el(
            'ul',
            {},
            ...findings.map((f) =>
              el(
                'li',
                { class: 'sev-' + f.severity },
                f.severity + ' ' + f.code + ' (' + f.resourceType + ' ' + f.resourceName + '): ' + f.reason,
              ),
            ),
          )
        : el('p', {}, 'none'),
    );
    $('detail-body').replaceChildren(...body);
  }

  function renderFindings(directory) {
    $('findings').tBodies[0].replaceChildren(
      ...directory.findings.map((f) =>
        el(
          'tr',
          { 'data-code': f.code },
          el('td', { class: 'sev-' + f.severity }, f.severity),
          el('td', {}, f.code),
          el('td', {}, f.resourceType + ' ' + f.resourceName),
          el('td', {}, f.reason),
        ),
      ),
    );
  }

  function select(id) {
    state.selected = id;
    render();
    $('detail').scrollIntoView({ block: 'nearest' });
  }

  function render() {
    const directory = state.data && state.data.directory;
    $('age').textContent = ageText();
    $('error').hidden = !(state.data && state.data.lastError);
    $('error').textContent = state.data && state.data.lastError ? 'The last refresh failed: ' + state.data.lastError : '';
    if (!directory) return;
    $('account').textContent = 'Account ' + directory.account + (directory.thisCluster ? ', cluster ' + directory.thisCluster : '');
    renderSummary(directory);
    renderServices(directory);
    renderDetail(directory);
    renderFindings(directory);
    window.drawTopology($('topology'), directory, select);
  }

  async function load() {
    const headers = state.token ? { authorization: 'Bearer ' + state.token } : {};
    const response = await fetch('/api/directory', { headers });
    if (response.status === 401) {
      $('token-form').hidden = false;
      $('error').hidden = false;
      $('error').textContent = 'This page needs a bearer token.';
      return;
    }
    if (!response.ok) throw new Error('GET /api/directory answered ' + response.status);
    const data = await response.json();
    const changed =
      !state.data || !data.directory || !state.data.directory || data.directory.generatedAt !== state.data.directory.generatedAt;
    state.data = data;
    state.fetchedAt = Date.now();
    if (changed) render();
    else $('age').textContent = ageText();
    $('token-form').hidden = true;
  }

  function poll() {
    load().catch((error) => {
      console.error(error);
      $('error').hidden = false;
      $('error').textContent = String(error.message || error);
    });
  }

  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get('token')) {
    state.token = fragment.get('token');
    sessionStorage.setItem('directoryToken', state.token);
    history.replaceState(null, '', location.pathname);
  }
  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    state.token = $('token').value.trim();
    sessionStorage.setItem('directoryToken', state.token);
    poll();
  });
  for (const id of ['search', 'filter-owner', 'filter-auth', 'filter-findings'])
    $(id).addEventListener('input', () => state.data && state.data.directory && renderServices(state.data.directory));
  poll();
  setInterval(poll, 5000);
  setInterval(() => {
    $('age').textContent = ageText();
  }, 1000);
})();
