"""The reviewer's desk: dashboard, case review, conflicts left by offline sync, complaints."""
