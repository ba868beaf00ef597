/**
 * A self-signed certificate for hooks.customer.example (test only, valid for a century):
 * the TLS receiver in tests presents it, and a sender must refuse it (no trusted CA signed it).
 */
export const TEST_TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBuzCCAWKgAwIBAgIUaB9lILUOnYwENHocPRdVy3Y/z48wCgYIKoZIzj0EAwIw
ITEfMB0GA1UEAwwWaG9va3MuY3VzdG9tZXIuZXhhbXBsZTAgFw0yNjEyMDMxMzA4
MzZaGA8yMTI2MTEwOTEzMDgzNlowITEfMB0GA1UEAwwWaG9va3MuY3VzdG9tZXIu
ZXhhbXBsZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABFvS6Mo1wr373dRubmk+
D8DF1qeiu1UpshIkGj17N4FOJegwDOyR6NwRoDGywuoRmbdNHIzX37oEiY6TgIYh
4AyjdjB0MB0GA1UdDgQWBBRsX2lrk8M/sC/yV1JA77+sS+B/fTAfBgNVHSMEGDAW
gBRsX2lrk8M/sC/yV1JA77+sS+B/fTAPBgNVHRMBAf8EBTADAQH/MCEGA1UdEQQa
MBiCFmhvb2tzLmN1c3RvbWVyLmV4YW1wbGUwCgYIKoZIzj0EAwIDRwAwRAIgDP18
EQu6v2zyPgFxaclguEipezUK5fBNg64LJlOvGAUCIFKDfGJFe6w8oLteAai1a5ec
c/zkOrMHF84RVylbOQ9z
-----END CERTIFICATE-----`;

/** Its key: a fixture, protects nothing. */
export const TEST_TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgN9lhmwPJEf2beJzM
Dk9pFs7KaasPfPx6+W4IuJMVLVWhRANCAARb0ujKNcK9+93Ubm5pPg/AxdanortV
KbISJBo9ezeBTiXoMAzskejcEaAxssLqEZm3TRyM19+6BImOk4CGIeAM
-----END PRIVATE KEY-----`;
