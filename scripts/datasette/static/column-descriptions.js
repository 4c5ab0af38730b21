// make serve: a table's column descriptions one click away, so that its filters and rows are on
// the first screen (Datasette lists them all above the table).
document.addEventListener("DOMContentLoaded", () => {
  for (const list of document.querySelectorAll("dl.column-descriptions")) {
    const details = document.createElement("details");
    details.className = "column-descriptions-toggle";
    const summary = document.createElement("summary");
    summary.textContent = `Column descriptions (${list.querySelectorAll("dt").length})`;
    list.replaceWith(details);
    details.append(summary, list);
  }
});
