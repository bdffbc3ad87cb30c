-- Each app has a database of its own: the IdP and the diary never share one.
CREATE DATABASE fedlab_idp OWNER fedlab;
CREATE DATABASE fedlab_rp OWNER fedlab;
