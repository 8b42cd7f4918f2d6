/** The three NPS categories of a 0-10 answer. */
export type Category = 'detractor' | 'passive' | 'promoter';

export const CATEGORIES: readonly Category[] = ['promoter', 'passive', 'detractor'];

/** 0-6 detractor, 7-8 passive, 9-10 promoter. `score` must be an integer in 0..10. */
export function classify(score: number): Category {
  if (score >= 9) return 'promoter';
  if (score >= 7) return 'passive';
  return 'detractor';
}
