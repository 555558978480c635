// Which sessions an ad platform's spend may have bought: the session platforms (as the source lists
// name them) of each ad platform, and the channels of paid traffic (the default rules' paid channels).
// A workspace's own rules may name other channels; a session carrying a campaign id counts whatever
// its channel.
import type { AdPlatform } from '../../store/areas/ad-costs.js';

export const SESSION_PLATFORMS: Readonly<Record<AdPlatform, readonly string[]>> = {
  google: ['Google'],
  meta: ['Meta'],
  linkedin: ['LinkedIn'],
  // Microsoft Advertising buys Bing's results and the Microsoft network
  microsoft: ['Bing', 'Microsoft'],
};

export const PAID_CHANNELS: readonly string[] = [
  'Paid Search',
  'Paid Social',
  'Paid Shopping',
  'Paid Video',
  'Paid Other',
  'Display',
  'Cross-network',
];

/** The click id each platform's auto-tagging adds to an ad click's URL (rules/campaign-params.ts). */
export const CLICK_ID_PARAMS: Readonly<Record<AdPlatform, readonly string[]>> = {
  google: ['gclid', 'gbraid', 'wbraid', 'dclid'],
  meta: ['fbclid'],
  linkedin: ['li_fat_id'],
  microsoft: ['msclkid'],
};
