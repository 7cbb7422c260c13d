/** Browser globals the page gets from the vendor scripts (checkJs only; not part of the Node build). */
interface EChartsInstance {
  setOption(option: Record<string, unknown>, opts?: { notMerge?: boolean; lazyUpdate?: boolean }): void;
  getOption(): Record<string, unknown>;
  resize(): void;
  getWidth(): number;
  getHeight(): number;
  dispose(): void;
  isDisposed(): boolean;
}

interface EChartsStatic {
  init(el: HTMLElement, theme?: string | null, opts?: { renderer?: 'canvas' | 'svg' }): EChartsInstance;
  getInstanceByDom(el: HTMLElement): EChartsInstance | undefined;
}

interface ArrowStatic {
  tableFromIPC(bytes: Uint8Array): unknown;
}

interface Window {
  echarts: EChartsStatic;
  Arrow: ArrowStatic;
}
