"""A parent's work record and the Open Badges 3.0 credentials their communities issue.

- `record`: the record itself, a read over what already happened;
- `badges`: what an `OpenBadgeCredential` and the record's bundle say;
- `keys`: the key communities sign with, kept encrypted, rotated without breaking old ones;
- `vcjwt` and `status_list`: signing, verifying and revoking, by the published standards;
- `issuing`: when a credential is earned, and `sharing`: the record's public address.
"""
