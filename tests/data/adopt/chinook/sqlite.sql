-- A music store in the shape of the Chinook sample database: bracketed
-- names, NVARCHAR(n), DATETIME text, NUMERIC(10,2) holding REAL and
-- INTEGER values, INTEGER primary keys through named table constraints,
-- a composite key, a self-reference, no STRICT, and foreign keys written
-- before the tables they reference.
PRAGMA foreign_keys = ON;

CREATE TABLE [Album]
(
    [AlbumId] INTEGER  NOT NULL,
    [Title] NVARCHAR(160)  NOT NULL,
    [ArtistId] INTEGER  NOT NULL,
    CONSTRAINT [PK_Album] PRIMARY KEY  ([AlbumId]),
    FOREIGN KEY ([ArtistId]) REFERENCES [Artist] ([ArtistId])
        ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE [Artist]
(
    [ArtistId] INTEGER  NOT NULL,
    [Name] NVARCHAR(120),
    CONSTRAINT [PK_Artist] PRIMARY KEY  ([ArtistId])
);

CREATE TABLE [Customer]
(
    [CustomerId] INTEGER  NOT NULL,
    [FirstName] NVARCHAR(40)  NOT NULL,
    [LastName] NVARCHAR(20)  NOT NULL,
    [Company] NVARCHAR(80),
    [Country] NVARCHAR(40),
    [Email] NVARCHAR(60)  NOT NULL,
    [SupportRepId] INTEGER,
    CONSTRAINT [PK_Customer] PRIMARY KEY  ([CustomerId]),
    FOREIGN KEY ([SupportRepId]) REFERENCES [Employee] ([EmployeeId])
        ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE [Employee]
(
    [EmployeeId] INTEGER  NOT NULL,
    [LastName] NVARCHAR(20)  NOT NULL,
    [FirstName] NVARCHAR(20)  NOT NULL,
    [Title] NVARCHAR(30),
    [ReportsTo] INTEGER,
    [BirthDate] DATETIME,
    [HireDate] DATETIME,
    CONSTRAINT [PK_Employee] PRIMARY KEY  ([EmployeeId]),
    FOREIGN KEY ([ReportsTo]) REFERENCES [Employee] ([EmployeeId])
        ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE [Genre]
(
    [GenreId] INTEGER  NOT NULL,
    [Name] NVARCHAR(120),
    CONSTRAINT [PK_Genre] PRIMARY KEY  ([GenreId])
);

CREATE TABLE [Invoice]
(
    [InvoiceId] INTEGER  NOT NULL,
    [CustomerId] INTEGER  NOT NULL,
    [InvoiceDate] DATETIME  NOT NULL,
    [BillingCountry] NVARCHAR(40),
    [Total] NUMERIC(10,2)  NOT NULL,
    CONSTRAINT [PK_Invoice] PRIMARY KEY  ([InvoiceId]),
    FOREIGN KEY ([CustomerId]) REFERENCES [Customer] ([CustomerId])
        ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE [InvoiceLine]
(
    [InvoiceLineId] INTEGER  NOT NULL,
    [InvoiceId] INTEGER  NOT NULL,
    [TrackId] INTEGER  NOT NULL,
    [UnitPrice] NUMERIC(10,2)  NOT NULL,
    [Quantity] INTEGER  NOT NULL,
    CONSTRAINT [PK_InvoiceLine] PRIMARY KEY  ([InvoiceLineId]),
    FOREIGN KEY ([InvoiceId]) REFERENCES [Invoice] ([InvoiceId])
        ON DELETE NO ACTION ON UPDATE NO ACTION,
    FOREIGN KEY ([TrackId]) REFERENCES [Track] ([TrackId])
        ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE [MediaType]
(
    [MediaTypeId] INTEGER  NOT NULL,
    [Name] NVARCHAR(120),
    CONSTRAINT [PK_MediaType] PRIMARY KEY  ([MediaTypeId])
);

CREATE TABLE [Playlist]
(
    [PlaylistId] INTEGER  NOT NULL,
    [Name] NVARCHAR(120),
    CONSTRAINT [PK_Playlist] PRIMARY KEY  ([PlaylistId])
);

CREATE TABLE [PlaylistTrack]
(
    [PlaylistId] INTEGER  NOT NULL,
    [TrackId] INTEGER  NOT NULL,
    CONSTRAINT [PK_PlaylistTrack] PRIMARY KEY  ([PlaylistId], [TrackId]),
    FOREIGN KEY ([PlaylistId]) REFERENCES [Playlist] ([PlaylistId])
        ON DELETE NO ACTION ON UPDATE NO ACTION,
    FOREIGN KEY ([TrackId]) REFERENCES [Track] ([TrackId])
        ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE [Track]
(
    [TrackId] INTEGER  NOT NULL,
    [Name] NVARCHAR(200)  NOT NULL,
    [AlbumId] INTEGER,
    [MediaTypeId] INTEGER  NOT NULL,
    [GenreId] INTEGER,
    [Composer] NVARCHAR(220),
    [Milliseconds] INTEGER  NOT NULL,
    [Bytes] INTEGER,
    [UnitPrice] NUMERIC(10,2)  NOT NULL,
    CONSTRAINT [PK_Track] PRIMARY KEY  ([TrackId]),
    FOREIGN KEY ([AlbumId]) REFERENCES [Album] ([AlbumId])
        ON DELETE NO ACTION ON UPDATE NO ACTION,
    FOREIGN KEY ([GenreId]) REFERENCES [Genre] ([GenreId])
        ON DELETE NO ACTION ON UPDATE NO ACTION,
    FOREIGN KEY ([MediaTypeId]) REFERENCES [MediaType] ([MediaTypeId])
        ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE INDEX [IFK_AlbumArtistId] ON [Album] ([ArtistId]);
CREATE INDEX [IFK_CustomerSupportRepId] ON [Customer] ([SupportRepId]);
CREATE INDEX [IFK_EmployeeReportsTo] ON [Employee] ([ReportsTo]);
CREATE INDEX [IFK_InvoiceCustomerId] ON [Invoice] ([CustomerId]);
CREATE INDEX [IFK_InvoiceLineInvoiceId] ON [InvoiceLine] ([InvoiceId]);
CREATE INDEX [IFK_InvoiceLineTrackId] ON [InvoiceLine] ([TrackId]);
CREATE INDEX [IFK_PlaylistTrackTrackId] ON [PlaylistTrack] ([TrackId]);
CREATE INDEX [IFK_TrackAlbumId] ON [Track] ([AlbumId]);
CREATE INDEX [IFK_TrackGenreId] ON [Track] ([GenreId]);
CREATE INDEX [IFK_TrackMediaTypeId] ON [Track] ([MediaTypeId]);

BEGIN;
INSERT INTO [Genre] ([GenreId], [Name]) VALUES (1, 'Rock');
INSERT INTO [Genre] ([GenreId], [Name]) VALUES (2, 'Jazz');
INSERT INTO [Genre] ([GenreId], [Name]) VALUES (3, 'Bossa Nova');
INSERT INTO [MediaType] ([MediaTypeId], [Name]) VALUES (1, 'MPEG audio file');
INSERT INTO [MediaType] ([MediaTypeId], [Name]) VALUES (2, 'Protected AAC audio file');
INSERT INTO [Artist] ([ArtistId], [Name]) VALUES (1, 'AC/DC');
INSERT INTO [Artist] ([ArtistId], [Name]) VALUES (2, 'Accept');
INSERT INTO [Artist] ([ArtistId], [Name]) VALUES (3, 'Antônio Carlos Jobim');
INSERT INTO [Artist] ([ArtistId], [Name]) VALUES (4, 'Miles Davis');
INSERT INTO [Artist] ([ArtistId], [Name]) VALUES (5, NULL);
INSERT INTO [Album] ([AlbumId], [Title], [ArtistId]) VALUES (1, 'For Those About To Rock We Salute You', 1);
INSERT INTO [Album] ([AlbumId], [Title], [ArtistId]) VALUES (2, 'Balls to the Wall', 2);
INSERT INTO [Album] ([AlbumId], [Title], [ArtistId]) VALUES (3, 'Let There Be Rock', 1);
INSERT INTO [Album] ([AlbumId], [Title], [ArtistId]) VALUES (4, 'Warner 25 Anos', 3);
INSERT INTO [Album] ([AlbumId], [Title], [ArtistId]) VALUES (5, 'Kind of Blue', 4);
INSERT INTO [Track] VALUES (1, 'For Those About To Rock (We Salute You)', 1, 1, 1, 'Angus Young, Malcolm Young, Brian Johnson', 343719, 11170334, 0.99);
INSERT INTO [Track] VALUES (2, 'Balls to the Wall', 2, 2, 1, NULL, 342562, 5510424, 0.99);
INSERT INTO [Track] VALUES (3, 'Go Down', 3, 1, 1, 'AC/DC', 331180, 10847611, 0.99);
INSERT INTO [Track] VALUES (4, 'Desafinado', 4, 1, 3, 'Antônio Carlos Jobim & Newton Mendonça', 185338, 5990473, 1.99);
INSERT INTO [Track] VALUES (5, 'Garota De Ipanema', 4, 1, 3, 'Antônio Carlos Jobim "Tom"', 285048, 9348428, 1);
INSERT INTO [Track] VALUES (6, 'So What', 5, 2, 2, 'Miles Davis', 564000, NULL, 1.99);
INSERT INTO [Track] VALUES (7, 'Blue in Green', 5, 2, 2, 'Bill Evans; Miles Davis', 337000, 11000000, 2);
INSERT INTO [Track] VALUES (8, 'Untitled', NULL, 1, NULL, NULL, 1000, 1, 0.5);
INSERT INTO [Employee] VALUES (1, 'Adams', 'Andrew', 'General Manager', NULL, '1962-02-18 00:00:00', '2002-08-14 00:00:00');
INSERT INTO [Employee] VALUES (2, 'Edwards', 'Nancy', 'Sales Manager', 1, '1958-12-08 00:00:00', '2002-05-01 00:00:00');
INSERT INTO [Employee] VALUES (3, 'Peacock', 'Jane', 'Sales Support Agent', 2, '1973-08-29 00:00:00', '2002-04-01 00:00:00');
INSERT INTO [Employee] VALUES (4, 'Park', 'Margaret', NULL, 2, NULL, '2003-05-03 00:00:00');
INSERT INTO [Customer] VALUES (1, 'Luís', 'Gonçalves', 'Embraer - Empresa Brasileira de Aeronáutica S.A.', 'Brazil', 'luisg@embraer.com.br', 3);
INSERT INTO [Customer] VALUES (2, 'Leonie', 'Köhler', NULL, 'Germany', 'leonekohler@surfeu.de', 3);
INSERT INTO [Customer] VALUES (3, 'François', 'Tremblay', NULL, 'Canada', 'ftremblay@gmail.com', 4);
INSERT INTO [Customer] VALUES (4, 'Bjørn', 'Hansen', NULL, NULL, 'bjorn.hansen@yahoo.no', NULL);
INSERT INTO [Invoice] VALUES (1, 2, '2009-01-01 00:00:00', 'Germany', 1.98);
INSERT INTO [Invoice] VALUES (2, 4, '2009-01-02 00:00:00', NULL, 3.96);
INSERT INTO [Invoice] VALUES (3, 1, '2009-01-03 00:00:00', 'Brazil', 2);
INSERT INTO [Invoice] VALUES (4, 3, '2009-01-06 13:45:10', 'Canada', 0.99);
INSERT INTO [Invoice] VALUES (5, 2, '2009-01-11 00:00:00', 'Germany', 13.86);
INSERT INTO [InvoiceLine] VALUES (1, 1, 2, 0.99, 1);
INSERT INTO [InvoiceLine] VALUES (2, 1, 4, 0.99, 1);
INSERT INTO [InvoiceLine] VALUES (3, 2, 6, 0.99, 2);
INSERT INTO [InvoiceLine] VALUES (4, 2, 8, 1.98, 1);
INSERT INTO [InvoiceLine] VALUES (5, 3, 5, 1, 2);
INSERT INTO [InvoiceLine] VALUES (6, 4, 1, 0.99, 1);
INSERT INTO [InvoiceLine] VALUES (7, 5, 7, 1.98, 7);
INSERT INTO [Playlist] ([PlaylistId], [Name]) VALUES (1, 'Music');
INSERT INTO [Playlist] ([PlaylistId], [Name]) VALUES (2, 'Jazz Classics');
INSERT INTO [PlaylistTrack] VALUES (1, 1);
INSERT INTO [PlaylistTrack] VALUES (1, 2);
INSERT INTO [PlaylistTrack] VALUES (1, 3);
INSERT INTO [PlaylistTrack] VALUES (2, 6);
INSERT INTO [PlaylistTrack] VALUES (2, 7);
INSERT INTO [PlaylistTrack] VALUES (1, 6);
COMMIT;
