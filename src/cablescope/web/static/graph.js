/* Cablescope network view: a small force layout in plain JavaScript (no library, no CDN).
   It reads the graph JSON named by <figure class="network" data-src="…">, draws it as SVG
   (geometry as attributes, colour by CSS class: the CSP allows no inline style), lets the
   reader drag nodes, and opens a node's page on click. Without script the page's own lists
   of nodes and links remain. */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var WIDTH = 1000;
  var HEIGHT = 620;

  function el(name, attrs) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, String(attrs[key])); });
    return node;
  }

  function size(node) {
    var value = node.cables != null ? node.cables : node.cited_by != null ? node.cited_by : (node.sent || 0) + (node.received_to || 0);
    return Number(value) || 0;
  }

  function href(kind, node) {
    if (kind === "entities") {
      var aliases = String(node.aliases || "").split("; ").filter(Boolean).slice(0, 3);
      var params = new URLSearchParams();
      aliases.forEach(function (a) { params.append("alias", a); });
      var query = params.toString();
      return "/entity/" + encodeURIComponent(node.id).replace(/%3A/g, ":") + (query ? "?" + query : "");
    }
    if (kind === "refs" && node.in_archive) return "/cable/" + encodeURIComponent(node.id);
    return null;
  }

  function layout(nodes, edges, ticks) {
    var k = Math.sqrt((WIDTH * HEIGHT) / Math.max(1, nodes.length)) * 0.6;
    nodes.forEach(function (n, i) {
      var angle = i * 2.399963;
      var radius = 20 + 12 * Math.sqrt(i);
      n.x = WIDTH / 2 + radius * Math.cos(angle);
      n.y = HEIGHT / 2 + radius * Math.sin(angle);
    });
    var temperature = WIDTH / 10;
    for (var t = 0; t < ticks; t++) {
      nodes.forEach(function (n) { n.dx = 0; n.dy = 0; });
      for (var a = 0; a < nodes.length; a++) {
        for (var b = a + 1; b < nodes.length; b++) {
          var p = nodes[a];
          var q = nodes[b];
          var dx = p.x - q.x;
          var dy = p.y - q.y;
          var d2 = Math.max(dx * dx + dy * dy, 0.01);
          var force = (k * k) / d2;
          p.dx += dx * force; p.dy += dy * force;
          q.dx -= dx * force; q.dy -= dy * force;
        }
      }
      edges.forEach(function (e) {
        var dx = e.s.x - e.t.x;
        var dy = e.s.y - e.t.y;
        var d = Math.max(Math.sqrt(dx * dx + dy * dy), 0.01);
        var pull = (d / k) * (0.5 + Math.min(e.w, 10) / 10);
        e.s.dx -= (dx / d) * pull * d / 10; e.s.dy -= (dy / d) * pull * d / 10;
        e.t.dx += (dx / d) * pull * d / 10; e.t.dy += (dy / d) * pull * d / 10;
      });
      nodes.forEach(function (n) {
        n.dx += (WIDTH / 2 - n.x) * 0.006;
        n.dy += (HEIGHT / 2 - n.y) * 0.006;
        var len = Math.max(Math.sqrt(n.dx * n.dx + n.dy * n.dy), 0.01);
        var step = Math.min(len, temperature);
        n.x = Math.min(WIDTH - 20, Math.max(20, n.x + (n.dx / len) * step));
        n.y = Math.min(HEIGHT - 20, Math.max(20, n.y + (n.dy / len) * step));
      });
      temperature *= 0.95;
    }
  }

  function draw(figure, data) {
    var kind = figure.getAttribute("data-kind") || "entities";
    var most = Number(figure.getAttribute("data-max-nodes")) || 80;
    var nodes = data.nodes.slice().sort(function (a, b) { return size(b) - size(a); }).slice(0, most);
    var byId = {};
    nodes.forEach(function (n) { byId[n.id] = n; });
    var edges = [];
    data.edges.forEach(function (e) {
      if (byId[e.source] && byId[e.target] && e.source !== e.target) {
        edges.push({ s: byId[e.source], t: byId[e.target], w: Number(e.weight) || 1 });
      }
    });
    if (!nodes.length) {
      var empty = document.createElement("p");
      empty.className = "status";
      empty.textContent = "Nothing to draw.";
      figure.appendChild(empty);
      return;
    }
    layout(nodes, edges, 250);
    var peak = Math.max.apply(null, nodes.map(size).concat([1]));
    var svg = el("svg", { viewBox: "0 0 " + WIDTH + " " + HEIGHT, role: "img", "aria-label": "Network of " + nodes.length + " nodes" });
    var edgeLayer = el("g");
    var nodeLayer = el("g");
    svg.appendChild(edgeLayer);
    svg.appendChild(nodeLayer);
    edges.forEach(function (e) {
      e.line = el("line", { "class": "edge", "stroke-width": Math.min(1 + Math.log(e.w), 6) });
      edgeLayer.appendChild(e.line);
    });
    nodes.forEach(function (n) {
      var classes = ["node"];
      if (n.kind) classes.push("kind-" + String(n.kind).toLowerCase());
      if (n.in_archive === false) classes.push("missing");
      n.g = el("g", { "class": classes.join(" "), tabindex: 0 });
      n.r = 4 + 14 * Math.sqrt(size(n) / peak);
      var circle = el("circle", { r: n.r.toFixed(1) });
      var title = el("title");
      title.textContent = (n.label || n.id) + (size(n) ? " (" + size(n) + ")" : "");
      circle.appendChild(title);
      n.g.appendChild(circle);
      var label = el("text", { x: (n.r + 3).toFixed(1), y: 4 });
      label.textContent = String(n.label || n.id).slice(0, 32);
      n.g.appendChild(label);
      n.href = href(kind, n);
      nodeLayer.appendChild(n.g);
      grab(svg, n, edges, position);
    });
    function position() {
      edges.forEach(function (e) {
        e.line.setAttribute("x1", e.s.x.toFixed(1));
        e.line.setAttribute("y1", e.s.y.toFixed(1));
        e.line.setAttribute("x2", e.t.x.toFixed(1));
        e.line.setAttribute("y2", e.t.y.toFixed(1));
      });
      nodes.forEach(function (n) {
        n.g.setAttribute("transform", "translate(" + n.x.toFixed(1) + " " + n.y.toFixed(1) + ")");
      });
    }
    position();
    figure.appendChild(svg);
  }

  /* Drag a node with the pointer; a press without a move opens its page. */
  function grab(svg, node, edges, position) {
    var moved = false;
    var active = false;
    function point(event) {
      var box = svg.getBoundingClientRect();
      return {
        x: ((event.clientX - box.left) / box.width) * WIDTH,
        y: ((event.clientY - box.top) / box.height) * HEIGHT
      };
    }
    node.g.addEventListener("pointerdown", function (event) {
      active = true;
      moved = false;
      if (node.g.setPointerCapture) node.g.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    node.g.addEventListener("pointermove", function (event) {
      if (!active) return;
      var at = point(event);
      if (Math.abs(at.x - node.x) + Math.abs(at.y - node.y) > 2) moved = true;
      node.x = at.x;
      node.y = at.y;
      position();
    });
    node.g.addEventListener("pointerup", function () {
      active = false;
      if (!moved && node.href) window.location.assign(node.href);
    });
    node.g.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && node.href) window.location.assign(node.href);
    });
  }

  function start(figure) {
    var src = figure.getAttribute("data-src");
    if (!src || !window.fetch) return;
    var status = document.createElement("p");
    status.className = "status";
    status.textContent = "Drawing…";
    figure.appendChild(status);
    fetch(src, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        figure.removeChild(status);
        draw(figure, data);
      })
      .catch(function (error) {
        status.textContent = "The network could not be drawn (" + error.message + ").";
      });
  }

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  ready(function () {
    document.querySelectorAll("figure.network[data-src]").forEach(start);
  });
})();
