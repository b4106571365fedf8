// The redaction page: areas drawn by mouse (or pen, or touch) on the page images, or
// found by the server's search, listed with their provision and a remove button; sent
// as JSON in the form's hidden fields. Coordinates are PDF points from the page's top
// left, as the server reads them. No inline script: the page's CSP allows none.
(function () {
  "use strict";
  const root = document.getElementById("redact");
  if (!root) return;
  const areas = [];
  const needles = [];
  const list = document.getElementById("redact-areas");
  const none = document.getElementById("redact-none");
  const status = document.getElementById("redact-status");
  const provision = document.getElementById("redact-provision");
  const labels = list.dataset;

  function pageOf(number) {
    return root.querySelector('.redact-page[data-page="' + number + '"]');
  }

  function place(box, figure, rect) {
    const img = figure.querySelector("img");
    const sx = img.clientWidth / parseFloat(figure.dataset.width);
    const sy = img.clientHeight / parseFloat(figure.dataset.height);
    box.style.left = rect[0] * sx + "px";
    box.style.top = rect[1] * sy + "px";
    box.style.width = (rect[2] - rect[0]) * sx + "px";
    box.style.height = (rect[3] - rect[1]) * sy + "px";
  }

  function render() {
    root.querySelectorAll(".redact-box:not(.drawing)").forEach((b) => b.remove());
    list.replaceChildren();
    none.hidden = areas.length > 0;
    areas.forEach((area, index) => {
      const figure = pageOf(area.page);
      if (figure) {
        const box = document.createElement("div");
        box.className = "redact-box";
        const text = document.createElement("span");
        text.textContent = String(index + 1);
        box.append(text);
        figure.append(box);
        place(box, figure, area.rect);
      }
      const item = document.createElement("li");
      const select = provision.cloneNode(true);
      select.id = "redact-area-" + index;
      select.value = area.provision;
      select.addEventListener("change", () => { area.provision = select.value; save(); });
      const label = document.createElement("label");
      label.htmlFor = select.id;
      label.textContent = (index + 1) + ". " + labels.pageLabel + " " + area.page + ", " + labels.provisionLabel + " ";
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = labels.removeLabel;
      remove.setAttribute("aria-label", labels.removeLabel + " " + (index + 1));
      remove.addEventListener("click", () => { areas.splice(index, 1); render(); });
      item.append(label, select, " ", remove);
      list.append(item);
    });
    save();
  }

  function save() {
    document.getElementById("redact-areas-field").value = JSON.stringify(areas);
    document.getElementById("redact-needles-field").value = JSON.stringify(needles);
  }

  function add(found) {
    found.forEach((a) => areas.push({ page: a.page, rect: a.rect, provision: provision.value }));
    render();
  }

  root.querySelectorAll(".redact-page").forEach((figure) => {
    let start = null;
    let box = null;
    const img = figure.querySelector("img");
    function point(event) {
      const r = img.getBoundingClientRect();
      const x = Math.min(Math.max(event.clientX - r.left, 0), r.width);
      const y = Math.min(Math.max(event.clientY - r.top, 0), r.height);
      return [x * parseFloat(figure.dataset.width) / r.width,
              y * parseFloat(figure.dataset.height) / r.height];
    }
    function rect(end) {
      return [Math.min(start[0], end[0]), Math.min(start[1], end[1]),
              Math.max(start[0], end[0]), Math.max(start[1], end[1])];
    }
    figure.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      event.preventDefault();
      figure.setPointerCapture(event.pointerId);
      start = point(event);
      box = document.createElement("div");
      box.className = "redact-box drawing";
      figure.append(box);
      place(box, figure, rect(start));
    });
    figure.addEventListener("pointermove", (event) => {
      if (start) place(box, figure, rect(point(event)));
    });
    figure.addEventListener("pointerup", (event) => {
      if (!start) return;
      const r = rect(point(event));
      box.remove();
      start = null;
      if (r[2] - r[0] >= 2 && r[3] - r[1] >= 2) {
        areas.push({ page: parseInt(figure.dataset.page, 10), rect: r, provision: provision.value });
        render();
      }
    });
  });

  async function search(body) {
    const token = document.querySelector("#redact-form input[name=csrfmiddlewaretoken]").value;
    const answer = await fetch(root.dataset.searchUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    const data = await answer.json();
    if (!answer.ok) {
      status.textContent = data.error;
      return;
    }
    add(data.areas);
    status.textContent = labels.foundLabel + " " + data.areas.length;
  }

  document.getElementById("redact-search").addEventListener("click", () => {
    const field = document.getElementById("redact-needle");
    const needle = field.value.trim();
    if (!needle) return;
    needles.push(needle);
    field.value = "";
    search({ needles: [needle] });
  });
  document.getElementById("redact-needle").addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      document.getElementById("redact-search").click();
    }
  });
  document.getElementById("redact-numbers").addEventListener("click", () => {
    search({ personal_numbers: true });
  });
  window.addEventListener("resize", render);
  window.addEventListener("load", render);
  render();
})();
