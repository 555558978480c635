// The attribution models a page can ask for, with what each assumes in plain words (docs/attribution.md
// has the exact rules). The API says which model a report used and refuses an unknown one naming `model`.
export interface ModelInfo {
  name: string;
  label: string;
  assumes: string;
}

export const MODELS: ModelInfo[] = [
  {
    name: 'first_touch',
    label: 'First touch',
    assumes: 'The touch that found the person did it all.',
  },
  {
    name: 'last_touch',
    label: 'Last touch',
    assumes: 'The touch just before converting did it all.',
  },
  {
    name: 'last_non_direct',
    label: 'Last non-direct',
    assumes: 'The last touch that was not a direct visit did it all.',
  },
  { name: 'linear', label: 'Linear', assumes: 'Every touch on the way counts the same.' },
  {
    name: 'time_decay',
    label: 'Time decay',
    assumes: 'Recent touches count more: a touch a week earlier counts half.',
  },
  {
    name: 'position_based',
    label: 'Position based',
    assumes: 'The first and last touches matter most (40% each); the middle shares 20%.',
  },
  {
    name: 'u_shaped',
    label: 'U-shaped',
    assumes: 'Finding the person and turning them into a lead matter most (40% each).',
  },
  {
    name: 'w_shaped',
    label: 'W-shaped',
    assumes: 'First touch, lead creation and opportunity creation matter most (30% each).',
  },
  {
    name: 'full_path',
    label: 'Full path',
    assumes: 'First touch, lead, opportunity and the won deal each matter (22.5% each).',
  },
];

export const modelLabel = (name: string): string =>
  MODELS.find((m) => m.name === name)?.label ?? name;
