-- Whether the identity provider has verified the account's e-mail address (the token's email_verified claim).
-- Only a verified address stands for its owner: invitations by e-mail match it and notices are mailed to it. Before
-- this, Berth trusted any address a user set on their Keycloak account. Existing rows start unverified and are
-- brought up to date by their next sign-in.
ALTER TABLE account ADD COLUMN email_verified boolean NOT NULL DEFAULT false;
