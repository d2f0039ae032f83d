"""The campaign's figures per township for a period (issue 20), counted from the stored records
in one place: the scoreboard (考核, services.oversight) ranks them and the monthly summary
(services.lists) carries them. Reads only; writes nothing."""
