"""Constants of the security tests: the passwords of the accounts their fixtures create."""

#: The password of the IdP account the ``idp`` fixture creates.
IDP_PASSWORD = "Gosuslugi+2024"
#: The password of the diary login ``ivanova.m`` the ``diary_user`` fixture creates.
RP_PASSWORD = "dnevnik2024"
