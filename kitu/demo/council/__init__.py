"""Demo council information system (marked Demo): Stadt Wernigerode as a subscribing town with the term
2024–2029, the Stadtrat (36 councillors in seven parliamentary groups and the Oberbürgermeister), four
committees, 20 papers with generated PDF files, six past meetings with agendas, attendance, results, vote
counts, a named vote and minutes, and two upcoming meetings the members have been invited to; some agenda
items are non-public (a sale of land, a staff matter).

Everything goes through the council services (register, papers, files, meetings) in the name of the
demo council office (``council.wernigerode@demo.kitu.example``); the town is switched on by the
cooperative's administration. Persons and their votes are invented; dates follow the day of seeding
(past meetings in the last weeks, upcoming ones in the next). Idempotent: nothing is done once the town's
council body exists.

The data is in register_data, paper_data and meeting_data; the seeding in seeding and seed_meetings."""

from .seeding import seed_council

__all__ = ["seed_council"]
