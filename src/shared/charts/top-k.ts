/**
 * Top-k bar chart: the k tokens with the largest |score| for the explained class, strongest on top. A sentence
 * pair's tokens are named with their text's mark (`A·look`, `B·good`): the same word can be in both texts.
 */
import type { ChartOption } from './types.js';
import { formatScore } from './heat-text.js';
import { markedTokens, type PairLayout } from './segments.js';
import { divergingColor, maxAbs, type Palette } from './scale.js';

/** The sentence's layout (its tokens are named readably: `look`, not `Ġlook`) and the scores to rank. */
export interface TopKInput extends PairLayout {
  scores: readonly number[];
  /** The class the scores explain, for the title. */
  classLabel: string;
  k?: number;
  /** The diverging palette the bars are coloured with. */
  palette?: Palette;
}

export function topKBarOption({ scores, classLabel, k = 10, palette, ...layout }: TopKInput): ChartOption {
  const tokens = markedTokens(layout);
  const limit = maxAbs(scores);
  const top = scores
    .map((value, index) => ({ value, index }))
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value) || a.index - b.index)
    .slice(0, k);
  // Tokens repeat within a sentence ("the … the"); the position keeps category names unique.
  const names = top.map(({ index }) => `${tokens[index]} (${index})`);
  return {
    title: { text: `Top ${top.length} tokens for ${classLabel}`, left: 'center', textStyle: { fontSize: 13 } },
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 48, top: 32, bottom: 8, containLabel: true },
    // The ends are ±the largest |score|, which ECharts labels where there is room: in 3 digits, as the bars are.
    xAxis: { type: 'value', min: -limit, max: limit, axisLabel: { formatter: axisNumber, hideOverlap: true } },
    // Inverse puts the strongest token first (top), as one reads a ranking.
    yAxis: { type: 'category', data: names, inverse: true, axisTick: { show: false } },
    series: [
      {
        type: 'bar',
        name: classLabel,
        data: top.map(({ value }) => ({ value, itemStyle: { color: divergingColor(value, limit, palette) } })),
        label: { show: true, position: 'right', formatter: ({ value }) => formatScore(Number(value)) },
      },
    ],
    animation: false,
  };
}

/** An axis tick in at most 3 significant digits, without trailing zeros (`0.05`, `-0.148`). */
export function axisNumber(value: number): string {
  return String(Number(value.toPrecision(3)));
}
