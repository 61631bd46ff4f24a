"""Content people write, in several languages: the original, marked with its language, and
translations coordinators or the secretariat add (recommendation 11: information public in
Spanish, English, Portuguese, French, Haitian Creole and the region's other languages).

models: the translations table. fields: which texts are translatable and where each one's
original and its language live. services: add, correct or remove a translation; show a
text in a reader's language; what a meeting still lacks. machine: the interface where a
translation service could plug in (none is reachable, so none is used).
"""
