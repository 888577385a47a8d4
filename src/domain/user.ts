/** OpenID Connect Core §5.1 standard claims a user record may carry (`sub` lives on the record). */
export interface AddressClaim {
  formatted?: string;
  street_address?: string;
  locality?: string;
  region?: string;
  postal_code?: string;
  country?: string;
}

export interface UserClaims {
  name?: string;
  given_name?: string;
  family_name?: string;
  middle_name?: string;
  nickname?: string;
  preferred_username?: string;
  profile?: string;
  picture?: string;
  website?: string;
  email?: string;
  email_verified?: boolean;
  gender?: string;
  birthdate?: string;
  zoneinfo?: string;
  locale?: string;
  phone_number?: string;
  phone_number_verified?: boolean;
  address?: AddressClaim;
  updated_at?: number;
}

export const USER_CLAIM_NAMES: readonly (keyof UserClaims)[] = [
  'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username',
  'profile', 'picture', 'website', 'email', 'email_verified', 'gender', 'birthdate',
  'zoneinfo', 'locale', 'phone_number', 'phone_number_verified', 'address', 'updated_at',
];
