import dedicatedUrl from '../workers/bus.dedicated.ts?worker&url';
import sharedUrl from '../workers/bus.shared.ts?worker&url';
export const urls = { dedicatedUrl, sharedUrl };
