/** Personal API tokens: made, stored as hashes, authenticated, and held to their scopes. */
@OwnsTables("api_token")
package io.berth.token;

import io.berth.common.OwnsTables;
