/** The user the end-to-end suites sign in as, with the standard claims their clients read back. */
export const ALICE = {
  username: 'alice',
  password: 'correct horse battery staple',
  name: 'Alice Liddell',
  given_name: 'Alice',
  family_name: 'Liddell',
  email: 'alice@example.com',
  email_verified: true,
};
