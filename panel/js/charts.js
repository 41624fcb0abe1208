// Inline SVG charts built with createElementNS (text through textContent).
const NS = "http://www.w3.org/2000/svg";

function svg(tag, attributes = {}, text) {
  const element = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = String(text);
  return element;
}

/** A line chart of `points` (numbers, oldest first) with its title for assistive technology. */
export function lineChart(title, points, unit = "") {
  const width = 360, height = 160, pad = 28;
  const chart = svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title });
  chart.append(svg("title", {}, title));
  const max = Math.max(1e-9, ...points);
  chart.append(svg("line", { x1: pad, y1: height - pad, x2: width - 6, y2: height - pad, stroke: "#d9dee7" }));
  chart.append(svg("text", { x: 2, y: 12 }, `${max.toFixed(max < 10 ? 2 : 0)}${unit}`));
  chart.append(svg("text", { x: 2, y: height - pad }, `0${unit}`));
  if (points.length > 1) {
    const step = (width - pad - 6) / (points.length - 1);
    const path = points.map((value, index) => `${index ? "L" : "M"}${(pad + index * step).toFixed(1)},${(height - pad - (value / max) * (height - 2 * pad)).toFixed(1)}`);
    chart.append(svg("path", { d: path.join(" "), fill: "none", stroke: "#2d4a7a", "stroke-width": 2 }));
  }
  if (points.length === 1) {
    chart.append(svg("circle", { cx: pad + 4, cy: (height - pad - (points[0] / max) * (height - 2 * pad)).toFixed(1), r: 3, fill: "#2d4a7a" }));
  }
  const last = points.length ? points[points.length - 1] : 0;
  chart.append(svg("text", { x: width - 90, y: height - 8 }, `${last.toFixed(last < 10 ? 2 : 0)}${unit}`));
  return chart;
}

/** A horizontal bar chart of [label, value] pairs. */
export function barChart(title, pairs) {
  const width = 360, row = 22, height = Math.max(40, pairs.length * row + 10), labelWidth = 110;
  const chart = svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title });
  chart.setAttribute("height", String(height));
  chart.append(svg("title", {}, title));
  const max = Math.max(1, ...pairs.map(([, value]) => value));
  pairs.forEach(([label, value], index) => {
    const y = 6 + index * row;
    chart.append(svg("text", { x: 2, y: y + 13 }, label));
    chart.append(svg("rect", { x: labelWidth, y, width: Math.max(1, ((width - labelWidth - 50) * value) / max), height: row - 6, fill: "#2d4a7a", rx: 3 }));
    chart.append(svg("text", { x: width - 45, y: y + 13 }, String(value)));
  });
  return chart;
}
