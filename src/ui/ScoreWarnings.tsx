/**
 * Warnings about degenerate scores beside the headline AUC: a model whose test scores are (nearly) constant or
 * saturated at 0 or 1, or a comparison with the original that cannot tell anything. One sentence each.
 */
export function ScoreWarnings({ warnings }: { warnings: string[] }) {
  if (warnings.length === 0) return null;
  return (
    <div className="score-warnings" role="alert" data-testid="score-warnings">
      {warnings.map((w) => (
        <p key={w}>
          <strong>Warning:</strong> {w}
        </p>
      ))}
    </div>
  );
}
