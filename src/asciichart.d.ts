// asciichart ships no type declarations; these cover what skillsim uses.
declare module "asciichart" {
  interface PlotConfig {
    height?: number;
    min?: number;
    max?: number;
    offset?: number;
    padding?: string;
    colors?: string[];
    format?: (x: number, i: number) => string;
  }
  const asciichart: {
    plot(series: number[] | number[][], cfg?: PlotConfig): string;
    blue: string; green: string; red: string; yellow: string; magenta: string; cyan: string;
    lightblue: string; lightgreen: string; reset: string; default: string;
  };
  export default asciichart;
}
