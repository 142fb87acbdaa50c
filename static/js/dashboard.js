// Draws the staff dashboard's charts from the JSON the page embeds (no inline script: CSP).
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const bar = (id, labels, datasets, options = {}) => {
    const canvas = document.getElementById(id);
    if (canvas) {
      new Chart(canvas, { type: "bar", data: { labels, datasets }, options: { responsive: true, ...options } });
    }
  };
  bar("chart-status", data.statuses.map((r) => r.status), [
    { label: "Applications", data: data.statuses.map((r) => r.count), backgroundColor: "#0b5394" },
  ]);
  bar("chart-country", data.countries.map((r) => r.country), [
    { label: "Applications", data: data.countries.map((r) => r.count), backgroundColor: "#3d85c6" },
  ]);
  bar("chart-topics", data.topics.map((r) => r.name), [
    { label: "Demand (learning needs)", data: data.topics.map((r) => r.demand), backgroundColor: "#e69138" },
    { label: "Supply (offered actions)", data: data.topics.map((r) => r.supply), backgroundColor: "#6aa84f" },
  ], { indexAxis: "y" });
  bar("chart-hosts", data.hosts.map((r) => r.name), [
    { label: "Capacity", data: data.hosts.map((r) => r.capacity), backgroundColor: "#999999" },
    { label: "Ranked 1st by", data: data.hosts.map((r) => r.first_choice), backgroundColor: "#0b5394" },
    { label: "Proposed pairs", data: data.hosts.map((r) => r.proposals), backgroundColor: "#6aa84f" },
  ]);
});
