/* Filters, search, sorting and the citation map of the evidence report.
 *
 * Progressive enhancement: the page shows every claim without this script. The script reads
 * the data-* attributes the template wrote on each claim (never user text as code), hides
 * claims by toggling one class in one pass, and reorders a document's claims in one DOM move.
 * It is inlined by report.html.j2, so it must hold no Jinja delimiters and no closing script tag.
 */
(function () {
  "use strict";

  var form = document.getElementById("filters");
  if (!form || !document.querySelectorAll || !window.performance) {
    return;
  }
  var SEARCH_DELAY_MS = 150;
  var STATUS_ORDER = {
    refuted: 0,
    uncited: 1,
    unresolved: 2,
    unverifiable: 3,
    tentative: 4,
    cited: 5
  };
  var selects = form.querySelectorAll("select[data-field]");
  var search = form.elements.namedItem("q");
  var sortSelect = form.elements.namedItem("sort");
  var count = form.querySelector("output.count");
  var graph = document.querySelector("svg.graph");
  var graphControls = document.querySelector(".graph-controls");
  var sections = {};
  var items = [];
  var currentSort = "reading";
  var timer = null;

  function words(value) {
    return value ? value.split(" ") : [];
  }

  function collect() {
    var elements = document.querySelectorAll("li.claim");
    for (var i = 0; i < elements.length; i++) {
      var el = elements[i];
      var data = el.dataset;
      var textEl = el.querySelector(".claim-text");
      var text = (textEl ? textEl.textContent : "") + " " + data.id + " " + data.keys;
      items.push({
        el: el,
        index: i,
        list: el.parentNode,
        doc: data.doc,
        status: data.status,
        kinds: words(data.kinds),
        severities: words(data.severities),
        risk: data.risk,
        checks: words(data.checks),
        evidence: data.evidence,
        verdict: data.verdict,
        keys: words(data.keys),
        line: Number(data.line),
        rank: Number(data.rank),
        text: text.toLowerCase(),
        shown: true
      });
      if (!sections[data.doc]) {
        sections[data.doc] = { el: document.getElementById(data.doc), shown: true };
      }
    }
  }

  function readCriteria() {
    var criteria = [];
    for (var i = 0; i < selects.length; i++) {
      var select = selects[i];
      if (select.value) {
        criteria.push({
          field: select.getAttribute("data-field"),
          has: select.getAttribute("data-match") === "has",
          value: select.value
        });
      }
    }
    return criteria;
  }

  function terms() {
    return search.value.toLowerCase().split(/\s+/).filter(Boolean);
  }

  function matches(item, criteria, needles) {
    for (var i = 0; i < criteria.length; i++) {
      var c = criteria[i];
      var held = item[c.field];
      if (c.has ? held.indexOf(c.value) < 0 : held !== c.value) {
        return false;
      }
    }
    for (var j = 0; j < needles.length; j++) {
      if (item.text.indexOf(needles[j]) < 0) {
        return false;
      }
    }
    return true;
  }

  /* One pass over the claims: compute, then write only the classes that change. */
  function apply() {
    var criteria = readCriteria();
    var needles = terms();
    var narrowed = criteria.length > 0 || needles.length > 0;
    var shown = 0;
    var perDoc = {};
    for (var i = 0; i < items.length; i++) {
      var item = items[i];
      var ok = matches(item, criteria, needles);
      if (ok !== item.shown) {
        item.shown = ok;
        item.el.classList.toggle("out", !ok);
      }
      if (ok) {
        shown++;
        perDoc[item.doc] = true;
      }
    }
    for (var doc in sections) {
      var section = sections[doc];
      var visible = !narrowed || perDoc[doc] === true;
      if (section.el && visible !== section.shown) {
        section.shown = visible;
        section.el.classList.toggle("out", !visible);
      }
    }
    count.textContent = "Showing " + shown + " of " + items.length + " claims";
    highlight();
  }

  function comparator(sort) {
    if (sort === "status") {
      return function (a, b) {
        return STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.index - b.index;
      };
    }
    if (sort === "line") {
      return function (a, b) {
        return a.line - b.line || a.index - b.index;
      };
    }
    if (sort === "evidence") {
      return function (a, b) {
        return b.rank - a.rank || a.index - b.index;
      };
    }
    return function (a, b) {
      return a.index - b.index;
    };
  }

  /* Reorder each document's list once, through a fragment: one insertion per list. */
  function sortClaims() {
    var sort = sortSelect.value;
    if (sort === currentSort) {
      return;
    }
    currentSort = sort;
    var sorted = items.slice().sort(comparator(sort));
    var fragments = new Map();
    for (var i = 0; i < sorted.length; i++) {
      var list = sorted[i].list;
      if (!fragments.has(list)) {
        fragments.set(list, document.createDocumentFragment());
      }
      fragments.get(list).appendChild(sorted[i].el);
    }
    fragments.forEach(function (fragment, list) {
      list.appendChild(fragment);
    });
  }

  function selectNamed(name) {
    return form.elements.namedItem(name);
  }

  /* The map shows the chosen source's or document's lines; the filters hold the choice. */
  function highlight() {
    if (!graph) {
      return;
    }
    var key = selectNamed("source").value;
    var doc = selectNamed("doc").value;
    graph.classList.toggle("focus", Boolean(key || doc));
    var marks = graph.querySelectorAll("[data-key], [data-doc]");
    for (var i = 0; i < marks.length; i++) {
      var mark = marks[i];
      var markKey = mark.getAttribute("data-key");
      var markDoc = mark.getAttribute("data-doc");
      var isNode = mark.classList.contains("g-node");
      var on = isNode
        ? (key !== "" && markKey === key) || (doc !== "" && markDoc === doc)
        : (key === "" || markKey === key) && (doc === "" || markDoc === doc);
      mark.classList.toggle("on", on);
    }
  }

  function toggleChoice(name, value) {
    var select = selectNamed(name);
    select.value = select.value === value ? "" : value;
    apply();
  }

  function onMapClick(event) {
    var node = event.target.closest ? event.target.closest("a.g-node") : null;
    if (!node) {
      return;
    }
    event.preventDefault();
    if (node.classList.contains("g-source")) {
      toggleChoice("source", node.getAttribute("data-key"));
    } else {
      toggleChoice("doc", node.getAttribute("data-doc"));
    }
  }

  function reset() {
    form.reset();
  }

  /* A link to a claim the filters hide (from a source or a finding) first shows everything. */
  function onLinkClick(event) {
    var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    if (!link || link.classList.contains("g-node")) {
      return;
    }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (target && (target.classList.contains("out") || target.closest(".out"))) {
      reset();
    }
  }

  collect();
  form.hidden = false;
  if (graphControls) {
    graphControls.hidden = false;
    graphControls.querySelector("button").addEventListener("click", function () {
      selectNamed("source").value = "";
      selectNamed("doc").value = "";
      apply();
    });
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
  });
  form.addEventListener("change", function (event) {
    if (event.target === search) {
      return;
    }
    if (event.target === sortSelect) {
      sortClaims();
    } else {
      apply();
    }
  });
  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(apply, SEARCH_DELAY_MS);
  });
  form.addEventListener("reset", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    search.value = "";
    for (var i = 0; i < selects.length; i++) {
      selects[i].value = "";
    }
    sortSelect.value = "reading";
    sortClaims();
    apply();
  });
  if (graph) {
    graph.addEventListener("click", onMapClick);
  }
  document.addEventListener("click", onLinkClick);
  apply();
})();
