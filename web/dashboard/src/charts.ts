// The two uPlot charts of a job page: each trial's score in completion order with the best so far,
// and score against one chosen parameter.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

const height = 260;

function width(container: HTMLElement): number {
  return Math.max(260, container.clientWidth);
}

const dots = { show: true, size: 6, stroke: "#2563eb", fill: "#2563eb" };

export class TrialChart {
  private readonly plot: uPlot;

  constructor(private readonly container: HTMLElement) {
    this.plot = new uPlot(
      {
        width: width(container),
        height,
        scales: { x: { time: false } },
        axes: [{ label: "trial (completion order)" }, { label: "mean CV score", size: 60 }],
        series: [
          { label: "#" },
          { label: "score", stroke: "transparent", paths: () => null, points: dots },
          { label: "best so far", stroke: "#16a34a", width: 2, paths: uPlot.paths.stepped!({ align: 1 }), points: { show: false } },
        ],
        legend: { show: true },
      },
      [[], [], []],
      container,
    );
  }

  set(scores: number[], best: number[]): void {
    const xs = scores.map((_, i) => i + 1);
    this.plot.setData([xs, scores, best]);
    this.container.dataset.points = String(scores.length);
  }

  resize(): void {
    this.plot.setSize({ width: width(this.container), height });
  }

  destroy(): void {
    this.plot.destroy();
  }
}

export class ParamChart {
  private plot: uPlot;

  constructor(private readonly container: HTMLElement) {
    this.plot = this.create("parameter");
  }

  private create(name: string): uPlot {
    return new uPlot(
      {
        width: width(this.container),
        height,
        scales: { x: { time: false } },
        axes: [{ label: name }, { label: "mean CV score", size: 60 }],
        series: [{ label: name }, { label: "score", stroke: "transparent", paths: () => null, points: { ...dots, stroke: "#9333ea", fill: "#9333ea" } }],
        legend: { show: false },
      },
      [[], []],
      this.container,
    );
  }

  private name = "";

  /** Points (parameter value, score); uPlot wants x ascending. */
  set(name: string, points: [number, number][]): void {
    if (name !== this.name) {
      this.name = name;
      this.plot.destroy();
      this.plot = this.create(name);
    }
    points.sort((a, b) => a[0] - b[0]);
    this.container.dataset.points = String(points.length);
    this.plot.setData([points.map((p) => p[0]), points.map((p) => p[1])]);
  }

  resize(): void {
    this.plot.setSize({ width: width(this.container), height });
  }

  destroy(): void {
    this.plot.destroy();
  }
}
