// The document view: every field beside its pages; a click on a value shows its box, a click on a box its value.
"use strict";
const docId = document.body.dataset.docId;

function placeBoxes(data) {
  const byPage = new Map();
  for (const record of data.records) {
    for (const field of record.fields) {
      if (!field.page || !field.bbox) continue;
      if (!byPage.has(field.page)) byPage.set(field.page, []);
      byPage.get(field.page).push(field);
    }
  }
  for (const figure of document.querySelectorAll("figure.page")) {
    const width = Number(figure.dataset.width), height = Number(figure.dataset.height);
    // The page keeps its shape before its image loads, so a jump lands on the box.
    figure.querySelector("img").style.aspectRatio = `${width} / ${height}`;
    for (const field of byPage.get(Number(figure.dataset.number)) || []) {
      const [x0, y0, x1, y1] = field.bbox;
      const box = element("a", undefined, `box status-${field.status}` + (field.queued ? " queued" : ""));
      box.id = `box-${field.id}`;
      box.title = `${field.path}: ${shown(field.value)}`;
      box.href = `#field-${field.id}`;
      // Positions through the CSSOM: the Content-Security-Policy allows no inline style attribute.
      box.style.left = `${(100 * x0) / width}%`;
      box.style.top = `${(100 * y0) / height}%`;
      box.style.width = `${(100 * (x1 - x0)) / width}%`;
      box.style.height = `${(100 * (y1 - y0)) / height}%`;
      box.addEventListener("click", (event) => { event.preventDefault(); select(field.id, false); });
      figure.append(box);
    }
  }
}

function select(fieldId, scrollToBox = true) {
  for (const node of document.querySelectorAll(".selected")) node.classList.remove("selected");
  const button = document.querySelector(`button.field[data-field-id="${Number(fieldId)}"]`);
  const box = document.getElementById(`box-${Number(fieldId)}`);
  if (button) { button.classList.add("selected"); button.closest("details").open = true; }
  if (box) box.classList.add("selected");
  const target = scrollToBox ? box : button;
  if (target) target.scrollIntoView({ behavior: "instant", block: "center" });
}

for (const button of document.querySelectorAll("button.field")) {
  button.id = `field-${button.dataset.fieldId}`;
  button.addEventListener("click", () => select(button.dataset.fieldId));
}

api("GET", `/api/documents/${encodeURIComponent(docId)}`).then((data) => {
  placeBoxes(data);
  const wanted = /^#field-(\d+)$/.exec(window.location.hash);
  if (wanted) select(wanted[1]);
});
