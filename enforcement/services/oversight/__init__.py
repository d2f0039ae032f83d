"""Who answers for what (issue 20): the responsible units (责任单位) and their contact officers,
the responsibility table as tasks (责任分解: lead leader, host unit, co-units, responsible person,
deadline, done on), the joint supervision group's visits (督查), accountability records (问责),
the scoreboard the campaign is judged by (考核), and the branches (分局) of a city bureau.

The layer above the desk: it reads cases, complaints and townships, and nothing below imports
it. A task's state (assigned / delivered / overdue) and an accountability record's state are
derived from the day asked about, never stored. A ``unit`` officer acts only within his unit."""
