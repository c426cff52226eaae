// The live preview: renders /state.json and re-renders it on every `state` event, without a reload.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  let shown = -1, selected = null;

  function el(tag, props = {}, ...children) {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children);
    return node;
  }

  function showDetails(zone, pin) {
    const box = $("details");
    box.replaceChildren(...zone.details.map((line) => el("p", { textContent: line })));
    box.hidden = false;
    if (pin) selected = zone.article_id;
  }

  function renderPages(state) {
    const pages = state.pages.map((page) => {
      const img = el("img", { src: `/pages/${page.image}.png`, width: page.width, height: page.height,
                               alt: `${page.label} ${page.section}` });
      const zones = page.zones.map((zone) => {
        const node = el("div", { className: "zone" + (zone.notes ? " has-notes" : ""), tabIndex: 0,
                                 title: zone.headline });
        node.dataset.article = zone.article_id;
        node.dataset.part = zone.part;
        node.setAttribute("aria-label", zone.headline);
        Object.assign(node.style, { left: `${zone.left}%`, top: `${zone.top}%`, width: `${zone.width}%`,
                                    height: `${zone.height}%` });
        node.addEventListener("mouseenter", () => showDetails(zone, false));
        node.addEventListener("focus", () => showDetails(zone, false));
        node.addEventListener("click", () => {
          document.querySelectorAll(".zone.selected").forEach((z) => z.classList.remove("selected"));
          node.classList.add("selected");
          showDetails(zone, true);
        });
        if (zone.article_id === selected) node.classList.add("selected");
        return node;
      });
      const section = el("section", { className: "page", id: `page-${page.number}` },
                         el("span", { className: "label", textContent: `${page.label} ${page.section}` }), img, ...zones);
      section.dataset.page = page.number;
      return section;
    });
    $("pages").replaceChildren(...pages);
  }

  function renderList(state) {
    $("list-title").textContent = state.labels.articles;
    const blocks = state.pages.map((page) => el("div", {},
      el("h3", { textContent: `${page.label} ${page.section}` }),
      ...page.notes.map((note) => el("p", { className: "note", textContent: note })),
      el("ul", {}, ...page.zones.map((zone) => el("li", {}, el("a", {
        href: `#page-${page.number}`, textContent: zone.headline,
        onclick: (event) => {
          event.preventDefault();
          const target = document.querySelector(`#page-${page.number} .zone[data-article="${CSS.escape(zone.article_id)}"]`);
          if (target) { target.scrollIntoView({ block: "center" }); target.click(); }
        },
      }))))));
    const notes = el("div", { id: "notes" }, el("h3", { textContent: state.labels.notes }),
      ...(state.notes.length ? state.notes : [state.labels.none]).map((note) => el("p", { className: "note", textContent: note })));
    $("list-pages").replaceChildren(...blocks, notes);
  }

  function render(state) {
    const x = window.scrollX, y = window.scrollY;  // the view stays where the editor left it
    document.documentElement.lang = state.lang;
    document.title = state.title;
    $("title").textContent = state.title;
    $("timing").textContent = state.timing;
    $("status").textContent = state.building ? state.labels.building : "";
    $("status").classList.toggle("building", state.building);
    $("error").hidden = !state.error;
    $("error").textContent = state.error;
    renderPages(state);
    renderList(state);
    window.scrollTo(x, y);
    shown = state.version;
    document.body.dataset.version = state.version;
  }

  async function refresh() {
    const response = await fetch("/state.json", { cache: "no-store" });
    const state = await response.json();
    if (state.version !== shown) render(state);
  }

  const events = new EventSource("/events");
  events.addEventListener("state", refresh);
  events.addEventListener("building", () => $("status").classList.add("building"));
  events.addEventListener("progress", (event) => {
    $("status").textContent = JSON.parse(event.data);
    $("status").classList.add("building");
  });
})();
