/** The theme list a battle shuffles and draws from; a battle never repeats a theme, so it caps the rounds. */
export const ROAST_THEMES: readonly string[] = [
  'cooking',
  'dance moves',
  'fashion sense',
  'taste in music',
  'driving',
  'gaming skills',
  'houseplants',
  'dating profile',
  'last haircut',
  'karaoke voice',
  'gym routine',
  'small talk',
];
