/**
 * Observable Plot as cells see it (`Plot`): the real module, with `Plot.plot`, `mark.plot()`
 * and `Plot.legend` drawing into the kernel's DOM (`dom.ts`).
 */
import * as PlotModule from '@observablehq/plot';
import { kernelDocument } from './dom.js';

type PlotOptions = NonNullable<Parameters<typeof PlotModule.plot>[0]>;

export type KernelPlot = typeof PlotModule;

let wrapped: KernelPlot | undefined;

export function kernelPlot(): KernelPlot {
  if (wrapped) return wrapped;
  const document = kernelDocument();
  const plot = ((options: PlotOptions = {}) => PlotModule.plot({ document, ...options })) as typeof PlotModule.plot;
  const legend = ((options: Parameters<typeof PlotModule.legend>[0] = {}) =>
    PlotModule.legend({ document, ...options } as Parameters<typeof PlotModule.legend>[0])) as typeof PlotModule.legend;
  // Marks' own `.plot()` calls the module's plot; route it through the kernel's document.
  (PlotModule.Mark.prototype as unknown as { plot: unknown }).plot = function (this: PlotModule.Mark, { marks = [], ...options }: PlotOptions = {}) {
    return plot({ ...options, marks: [...(marks as PlotModule.Markish[]), this as unknown as PlotModule.Markish] });
  };
  wrapped = { ...PlotModule, plot, legend };
  return wrapped;
}
