"""OParl 1.1: the standard read interface of council information systems (https://oparl.org/), public
data only, under /oparl/v1/."""
