/** A compact HTML legend shown in a chart's title row: a line, dashed line, dot, diamond, ring or box per item. */
export type LegendMark = 'line' | 'dashed' | 'dot' | 'diamond' | 'ring' | 'box' | 'band';

export interface LegendItem {
  label: string;
  color: string;
  mark: LegendMark;
}

function Mark({ mark, color }: { mark: LegendMark; color: string }) {
  const common = { width: 18, height: 10, viewBox: '0 0 18 10', 'aria-hidden': true } as const;
  switch (mark) {
    case 'line':
      return (
        <svg {...common}>
          <line x1="1" y1="5" x2="17" y2="5" stroke={color} strokeWidth="2" />
          <circle cx="9" cy="5" r="2.5" fill={color} />
        </svg>
      );
    case 'dashed':
      return (
        <svg {...common}>
          <line x1="0" y1="5" x2="18" y2="5" stroke={color} strokeWidth="2" strokeDasharray="4 3" />
        </svg>
      );
    case 'dot':
      return (
        <svg {...common}>
          <circle cx="9" cy="5" r="4" fill={color} fillOpacity="0.85" />
        </svg>
      );
    case 'diamond':
      return (
        <svg {...common}>
          <path d="M9 0.5 L13.5 5 L9 9.5 L4.5 5 Z" fill={color} />
        </svg>
      );
    case 'ring':
      return (
        <svg {...common}>
          <circle cx="9" cy="5" r="3.8" fill="none" stroke={color} strokeWidth="2" />
        </svg>
      );
    case 'box':
      return (
        <svg {...common}>
          <rect x="3" y="0.5" width="12" height="9" rx="1.5" fill={color} />
        </svg>
      );
    case 'band':
      return (
        <svg {...common}>
          <rect x="0" y="1" width="18" height="8" fill={color} fillOpacity="0.18" />
        </svg>
      );
  }
}

export function ChartLegend({ items }: { items: LegendItem[] }) {
  return (
    <ul className="chart-legend">
      {items.map((it) => (
        <li key={it.label}>
          <Mark mark={it.mark} color={it.color} />
          {it.label}
        </li>
      ))}
    </ul>
  );
}
