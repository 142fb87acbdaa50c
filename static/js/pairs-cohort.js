// Draws the cohort timeline from the JSON the page embeds (no inline script: CSP).
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("cohort-timeline");
  const canvas = document.getElementById("cohort-chart");
  if (!source || !canvas || typeof Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.due_label, data: data.due, backgroundColor: "#999999" },
        { label: data.done_label, data: data.done, backgroundColor: "#38761d" },
      ],
    },
    options: { responsive: true, aspectRatio: 4, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
});
