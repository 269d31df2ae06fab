"""After the reveal: agreed next steps (Column E), the worksheet (Columns A-C), organisation-wide rankings
(Activity 1), the stakeholder survey (Column D), reflections and the link to an earlier session.

One module per feature (import the feature's module, e.g. ``from trustcore.followup import next_steps``):

- ``next_steps``: the agreed next steps (Column E), ``NextStep``;
- ``worksheet_entries``: each party's Column B and C texts, ``WorksheetEntry`` (``trustcore.worksheet``
  assembles the whole worksheet);
- ``baselines``: the organisation-wide rankings (Activity 1) and their comparison with a round
  (``trustcore.uploads.parse_baseline_csv`` reads an uploaded or pasted one);
- ``survey``: the stakeholder survey link and its answers (Column D), ``FeedbackAnswer``;
- ``reflections``: the answers to the Activity 6 questions, ``Reflection``;
- ``agreed_order``: Column A, the agreed order of the elements;
- ``lineage``: the link to an earlier session of the same relationship and what changed since, ``Changes``;
- ``common``: what several features share (the token check, the re-read session, element and party
  checks, the version check of records edited by several people, the latest visible orders).

Plain functions on a ``Store``; like the store's methods, each checks the token it is given (through
``Store.authorise``), runs every change in one ``BEGIN IMMEDIATE`` transaction that re-reads what it
checks, and logs an event. Records that several people edit at once (next steps, worksheet entries,
organisation-wide rankings, reflections) carry a version: a save names the version it started from and is refused with
``EditConflict`` (holding the stored record) when someone else saved in between.

Rights: the facilitator token grants everything; a participant token grants reading, the next steps,
the reflections, and the worksheet entries and organisation-wide ranking of the participant's own
party; the survey token grants only ``survey.submit_feedback`` (``Store.authorise`` never accepts it).
"""
