"""Legal papers and their serial numbers, and the evidence pack of a case."""
