// Makes sure cognito-local has the BookingAws user pool and its two app clients (dashboard, portal),
// reusing them by name so repeated runs keep tokens and users, and prints the settings the API reads
// as KEY=VALUE lines for .platform/env. Usage: node cognito-setup.mjs http://127.0.0.1:59229
const base = (process.argv[2] ?? "").replace(/\/$/, "");
if (!base) {
  console.error("usage: node cognito-setup.mjs <cognito-local url>");
  process.exit(2);
}

const poolName = "bookingaws";
const clientNames = ["dashboard", "portal"];

async function call(operation, body) {
  const response = await fetch(`${base}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `AWSCognitoIdentityProviderService.${operation}`,
      // cognito-local does not check signatures; Cognito itself would need a real SigV4 one.
      authorization: "AWS4-HMAC-SHA256 Credential=local/20260101/local/cognito-idp/aws4_request, SignedHeaders=host, Signature=0",
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${operation} answered ${response.status}: ${text}`);
  }
  return JSON.parse(text);
}

const pools = await call("ListUserPools", { MaxResults: 60 });
let pool = pools.UserPools?.find((p) => p.Name === poolName);
if (!pool) {
  // As the CDK pool: people sign in with their email, which is verified when an admin creates them.
  pool = (
    await call("CreateUserPool", {
      PoolName: poolName,
      UsernameAttributes: ["email"],
      AutoVerifiedAttributes: ["email"],
    })
  ).UserPool;
}

const existing = (await call("ListUserPoolClients", { UserPoolId: pool.Id, MaxResults: 60 })).UserPoolClients ?? [];
const ids = [];
for (const name of clientNames) {
  let client = existing.find((c) => c.ClientName === name);
  if (!client) {
    client = (
      await call("CreateUserPoolClient", {
        UserPoolId: pool.Id,
        ClientName: name,
        // Password sign-in is what tests and the rehearsal use; production adds passwordless flows.
        ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      })
    ).UserPoolClient;
  }
  ids.push(client.ClientId);
}

console.log(`Auth__Authority=${base}/${pool.Id}`);
ids.forEach((id, i) => console.log(`Auth__ClientIds__${i}=${id}`));
console.log(`Cognito__UserPoolId=${pool.Id}`);
console.log(`Cognito__ServiceUrl=${base}`);
// cognito-local sends no invitation email, so locally sign-up may set the owner's password (never in AWS).
console.log("Auth__PasswordSignUp=true");
