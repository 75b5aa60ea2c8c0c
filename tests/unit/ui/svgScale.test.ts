/** The plotting kit's pure geometry: scales, category positions, paths, the nearest point and margins. */
import { describe, expect, it } from 'vitest';
import { plotArea, xEndMargin, yAxisMargin } from '../../../src/ui/charts/svg/layout';
import {
  bandCentres,
  bandPath,
  linearScale,
  linePath,
  nearestByX,
  nearestPoint,
  textWidth,
  thinLabels,
} from '../../../src/ui/charts/svg/scale';

describe('linearScale', () => {
  it('maps the domain onto the range, inverted for a y axis', () => {
    const sy = linearScale([0.7, 0.8], [200, 10]);
    expect(sy(0.7)).toBeCloseTo(200);
    expect(sy(0.8)).toBeCloseTo(10);
    expect(sy(0.75)).toBeCloseTo(105);
  });
  it('puts every value of an empty domain at the middle of the range', () => {
    expect(linearScale([3, 3], [0, 100])(3)).toBe(50);
  });
});

describe('bandCentres', () => {
  it('places categories at the centres of equal bands', () => {
    expect(bandCentres(4, 0, 400)).toEqual([50, 150, 250, 350]);
    expect(bandCentres(0, 0, 400)).toEqual([]);
  });
});

describe('paths', () => {
  it('joins the points given, skipping gaps and non-finite values', () => {
    expect(linePath([{ x: 0, y: 1 }, null, { x: 2.04, y: 3 }, { x: 5, y: Number.NaN }])).toBe('M0,1L2,3');
    expect(linePath([])).toBe('');
  });
  it('closes a band along its top, then back along its bottom', () => {
    expect(bandPath([{ x: 0, top: 1, bottom: 5 }, null, { x: 10, top: 2, bottom: 6 }])).toBe('M0,1L10,2L10,6L0,5Z');
    expect(bandPath([null])).toBe('');
  });
});

describe('nearest', () => {
  it('finds the x nearest the pointer', () => {
    expect(nearestByX([50, 150, 250], 180)).toBe(1);
    expect(nearestByX([50, 150, 250], 999)).toBe(2);
    expect(nearestByX([], 10)).toBeNull();
  });
  it('finds a point within reach only, the first of equally near ones', () => {
    const pts = [
      { x: 10, y: 10 },
      { x: 10, y: 10 },
      { x: 40, y: 40 },
    ];
    expect(nearestPoint(pts, 12, 11, 18)).toBe(0);
    expect(nearestPoint(pts, 38, 41, 18)).toBe(2);
    expect(nearestPoint(pts, 100, 100, 18)).toBeNull();
  });
});

describe('text and margins', () => {
  it('estimates wider text as wider, and a y margin that holds the widest tick label', () => {
    expect(textWidth('0.7500', 11)).toBeGreaterThan(textWidth('0.75', 11));
    expect(textWidth('0.7500', 11)).toBeGreaterThan(25);
    expect(yAxisMargin(['0.7400', '0.7500'])).toBeGreaterThan(yAxisMargin(['0', '5']));
    expect(xEndMargin('1,200')).toBeGreaterThanOrEqual(16);
    expect(xEndMargin(undefined)).toBe(16);
  });
  it('thins labels that would not fit side by side', () => {
    expect(thinLabels([1, 2, 3, 4, 5, 6], 30, 100)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(thinLabels([1, 2, 3, 4, 5, 6], 30, 20)).toEqual([1, 3, 5]);
  });
  it('leaves the plot box inside the margins, never negative', () => {
    const a = plotArea(600, 256, { top: 10, right: 16, bottom: 40, left: 60 });
    expect(a).toMatchObject({ left: 60, top: 10, right: 584, bottom: 216, width: 524, height: 206 });
    expect(plotArea(20, 20, { top: 10, right: 16, bottom: 40, left: 60 }).width).toBe(0);
  });
});
