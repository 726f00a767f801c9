"""A community's learning system (Moodle), as an optional port: moderators connect their site
and map its courses to skills; parents prove their account there with a code sent through the
site's own messages; a restart-safe sync imports each completion once, and it counts like a
passed skill check (a verified skill, and a credential).

- `site`: the port, what any learning system must answer, and its failures as sentences;
- `connecting`: connecting, mapping and the moderators' view;
- `linking`: a parent's account, proved with a one-time code;
- `syncing`: completions, imported once.
"""
