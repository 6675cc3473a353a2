import type { Campaign } from '../campaign/campaign';
import type { Prospect } from '../prospects/prospect';
import { lookupField } from '../template';
import { isValidTimeZone } from './time-zone';

/** The recruiter's zone: the window's, else the sequence's, else UTC. */
export function campaignTimeZone(campaign: Campaign): string {
  const sequence = campaign.sequence;
  const zone = sequence?.window?.timeZone ?? sequence?.timeZone;
  return zone && isValidTimeZone(zone) ? zone : 'UTC';
}

/**
 * The zone a prospect's steps are timed in: the IANA zone in the list's time-zone column when the
 * window names one and the value is a zone this runtime knows, else the recruiter's.
 */
export function prospectTimeZone(campaign: Campaign, prospect: Prospect): string {
  const field = campaign.sequence?.window?.prospectTimeZoneField;
  if (field) {
    const value = lookupField(prospect, field)?.trim();
    if (value && isValidTimeZone(value)) return value;
  }
  return campaignTimeZone(campaign);
}
