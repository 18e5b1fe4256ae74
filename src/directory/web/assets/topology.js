// The topology picture: four columns of boxes (service networks, services, target groups,
// targets) joined by lines. Plain SVG built with DOM calls; no library.
'use strict';

(function () {
  const NS = 'http://www.w3.org/2000/svg';
  const COLUMN = 270;
  const BOX = { width: 220, height: 26 };
  const ROW = 34;
  const TOP = 40;
  const MAX_TARGETS = 6;

  function element(name, attributes, text) {
    const node = document.createElementNS(NS, name);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function clip(text, length) {
    return text.length > length ? text.slice(0, length - 1) + '…' : text;
  }

  /** The worst severity among the findings about `id`, as a CSS class. */
  function severityClass(findingsById, id) {
    const severities = findingsById.get(id) || [];
    if (severities.includes('high')) return 'high';
    if (severities.includes('medium')) return 'medium';
    return '';
  }

  function drawTopology(container, directory, onSelectService) {
    const findingsById = new Map();
    for (const f of directory.findings) findingsById.set(f.resourceId, [...(findingsById.get(f.resourceId) || []), f.severity]);

    const columns = [[], [], [], []];
    const position = new Map();
    const add = (column, key, node) => {
      node.y = TOP + columns[column].length * ROW;
      node.x = 16 + column * COLUMN;
      columns[column].push(node);
      position.set(key, node);
    };
    for (const n of directory.serviceNetworks)
      add(0, 'network:' + n.id, { kind: 'network', id: n.id, label: n.name + ' (' + n.authType + ')', owner: n.owner });
    for (const s of directory.services) add(1, 'service:' + s.id, { kind: 'service', id: s.id, label: s.name, owner: s.owner });
    for (const g of directory.targetGroups) {
      add(2, 'tg:' + g.id, { kind: 'target-group', id: g.id, label: g.name, owner: g.owner });
      const shown = g.targets.slice(0, MAX_TARGETS);
      for (const t of shown)
        add(3, 'target:' + g.id + ':' + t.id + ':' + t.port, {
          kind: 'target',
          id: t.id,
          label: t.id + (t.port ? ':' + t.port : '') + ' ' + t.status,
          owner: g.owner,
        });
      if (g.targets.length > shown.length)
        add(3, 'more:' + g.id, {
          kind: 'target',
          id: g.id + '-more',
          label: '+' + (g.targets.length - shown.length) + ' more',
          owner: g.owner,
        });
    }

    const edges = [];
    for (const n of directory.serviceNetworks) for (const id of n.serviceIds) edges.push(['network:' + n.id, 'service:' + id]);
    for (const s of directory.services) for (const id of s.targetGroupIds) edges.push(['service:' + s.id, 'tg:' + id]);
    for (const g of directory.targetGroups) {
      for (const t of g.targets.slice(0, MAX_TARGETS)) edges.push(['tg:' + g.id, 'target:' + g.id + ':' + t.id + ':' + t.port]);
      if (g.targets.length > MAX_TARGETS) edges.push(['tg:' + g.id, 'more:' + g.id]);
    }

    const rows = Math.max(1, ...columns.map((c) => c.length));
    const svg = element('svg', {
      id: 'topology-svg',
      width: 16 + 4 * COLUMN,
      height: TOP + rows * ROW + 10,
      role: 'img',
      'aria-label': 'Topology: networks, services, target groups and targets',
    });
    ['Service networks', 'Services', 'Target groups', 'Targets'].forEach((title, i) =>
      svg.appendChild(element('text', { x: 16 + i * COLUMN, y: 22, class: 'column-title' }, title)),
    );

    for (const [from, to] of edges) {
      const a = position.get(from);
      const b = position.get(to);
      if (!a || !b) continue;
      const x1 = a.x + BOX.width;
      const y1 = a.y + BOX.height / 2;
      const x2 = b.x;
      const y2 = b.y + BOX.height / 2;
      const middle = (x1 + x2) / 2;
      svg.appendChild(
        element('path', {
          class: 'edge',
          d: `M${x1},${y1} C${middle},${y1} ${middle},${y2} ${x2},${y2}`,
          'data-from': from,
          'data-to': to,
        }),
      );
    }

    for (const node of position.values()) {
      const classes = ['node', node.kind, severityClass(findingsById, node.id), node.owner.manager === 'none' ? 'unmanaged' : '']
        .filter(Boolean)
        .join(' ');
      const group = element('g', {
        class: classes,
        'data-kind': node.kind,
        'data-id': node.id,
        transform: `translate(${node.x},${node.y})`,
      });
      group.appendChild(element('title', {}, node.label + ' — managed by ' + node.owner.manager));
      group.appendChild(element('rect', { width: BOX.width, height: BOX.height, rx: 5 }));
      group.appendChild(element('text', { x: 8, y: 17 }, clip(node.label, 32)));
      if (node.kind === 'service') group.addEventListener('click', () => onSelectService(node.id));
      svg.appendChild(group);
    }
    container.replaceChildren(svg);
  }

  window.drawTopology = drawTopology;
})();
