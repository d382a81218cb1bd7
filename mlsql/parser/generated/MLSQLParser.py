# Generated from MLSQL.g4 by ANTLR 4.13.2
# encoding: utf-8
from antlr4 import *
from io import StringIO
import sys
if sys.version_info[1] > 5:
	from typing import TextIO
else:
	from typing.io import TextIO

def serializedATN():
    return [
        4,1,45,281,2,0,7,0,2,1,7,1,2,2,7,2,2,3,7,3,2,4,7,4,2,5,7,5,2,6,7,
        6,2,7,7,7,2,8,7,8,2,9,7,9,2,10,7,10,2,11,7,11,2,12,7,12,2,13,7,13,
        2,14,7,14,2,15,7,15,2,16,7,16,2,17,7,17,2,18,7,18,2,19,7,19,2,20,
        7,20,2,21,7,21,2,22,7,22,2,23,7,23,2,24,7,24,2,25,7,25,2,26,7,26,
        2,27,7,27,2,28,7,28,2,29,7,29,2,30,7,30,2,31,7,31,2,32,7,32,1,0,
        3,0,68,8,0,1,0,1,0,3,0,72,8,0,5,0,74,8,0,10,0,12,0,77,9,0,1,0,1,
        0,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,3,1,92,8,1,1,2,1,2,
        1,2,1,2,1,2,3,2,99,8,2,1,2,1,2,1,2,1,3,1,3,3,3,106,8,3,1,3,1,3,1,
        3,1,3,1,3,1,3,3,3,114,8,3,1,3,3,3,117,8,3,1,4,1,4,1,5,1,5,1,5,1,
        5,5,5,125,8,5,10,5,12,5,128,9,5,1,6,1,6,5,6,132,8,6,10,6,12,6,135,
        9,6,1,6,1,6,1,6,1,7,1,7,5,7,142,8,7,10,7,12,7,145,9,7,1,8,1,8,1,
        8,1,8,1,8,3,8,152,8,8,1,9,1,9,1,10,1,10,1,10,1,10,3,10,160,8,10,
        1,10,3,10,163,8,10,1,11,1,11,1,11,3,11,168,8,11,1,11,1,11,1,11,1,
        12,1,12,1,13,1,13,1,13,1,13,1,13,1,13,1,13,3,13,182,8,13,1,13,1,
        13,3,13,186,8,13,1,14,1,14,1,15,1,15,1,15,1,15,1,15,1,15,1,15,3,
        15,197,8,15,1,16,1,16,1,16,1,16,1,16,1,16,3,16,205,8,16,1,16,1,16,
        1,17,1,17,1,17,1,17,1,17,3,17,214,8,17,1,18,1,18,5,18,218,8,18,10,
        18,12,18,221,9,18,1,19,1,19,1,19,1,19,5,19,227,8,19,10,19,12,19,
        230,9,19,1,20,1,20,1,20,1,20,1,21,1,21,1,22,1,22,1,23,1,23,1,23,
        1,23,1,23,1,23,5,23,246,8,23,10,23,12,23,249,9,23,3,23,251,8,23,
        1,24,1,24,1,25,1,25,1,26,1,26,1,27,1,27,1,28,1,28,1,29,1,29,1,29,
        5,29,266,8,29,10,29,12,29,269,9,29,1,30,1,30,3,30,273,8,30,1,31,
        1,31,3,31,277,8,31,1,32,1,32,1,32,0,0,33,0,2,4,6,8,10,12,14,16,18,
        20,22,24,26,28,30,32,34,36,38,40,42,44,46,48,50,52,54,56,58,60,62,
        64,0,8,1,0,28,31,1,0,1,1,1,0,12,15,1,0,18,21,2,0,6,6,8,8,1,0,25,
        26,1,0,33,34,1,0,8,31,287,0,67,1,0,0,0,2,91,1,0,0,0,4,93,1,0,0,0,
        6,103,1,0,0,0,8,118,1,0,0,0,10,120,1,0,0,0,12,129,1,0,0,0,14,139,
        1,0,0,0,16,146,1,0,0,0,18,153,1,0,0,0,20,162,1,0,0,0,22,164,1,0,
        0,0,24,172,1,0,0,0,26,174,1,0,0,0,28,187,1,0,0,0,30,189,1,0,0,0,
        32,198,1,0,0,0,34,208,1,0,0,0,36,215,1,0,0,0,38,222,1,0,0,0,40,231,
        1,0,0,0,42,235,1,0,0,0,44,237,1,0,0,0,46,250,1,0,0,0,48,252,1,0,
        0,0,50,254,1,0,0,0,52,256,1,0,0,0,54,258,1,0,0,0,56,260,1,0,0,0,
        58,262,1,0,0,0,60,272,1,0,0,0,62,276,1,0,0,0,64,278,1,0,0,0,66,68,
        3,2,1,0,67,66,1,0,0,0,67,68,1,0,0,0,68,75,1,0,0,0,69,71,5,1,0,0,
        70,72,3,2,1,0,71,70,1,0,0,0,71,72,1,0,0,0,72,74,1,0,0,0,73,69,1,
        0,0,0,74,77,1,0,0,0,75,73,1,0,0,0,75,76,1,0,0,0,76,78,1,0,0,0,77,
        75,1,0,0,0,78,79,5,0,0,1,79,1,1,0,0,0,80,92,3,4,2,0,81,92,3,6,3,
        0,82,92,3,12,6,0,83,92,3,14,7,0,84,92,3,16,8,0,85,92,3,22,11,0,86,
        92,3,26,13,0,87,92,3,30,15,0,88,92,3,32,16,0,89,92,3,34,17,0,90,
        92,3,36,18,0,91,80,1,0,0,0,91,81,1,0,0,0,91,82,1,0,0,0,91,83,1,0,
        0,0,91,84,1,0,0,0,91,85,1,0,0,0,91,86,1,0,0,0,91,87,1,0,0,0,91,88,
        1,0,0,0,91,89,1,0,0,0,91,90,1,0,0,0,92,3,1,0,0,0,93,94,5,9,0,0,94,
        95,3,48,24,0,95,96,5,2,0,0,96,98,3,46,23,0,97,99,3,38,19,0,98,97,
        1,0,0,0,98,99,1,0,0,0,99,100,1,0,0,0,100,101,5,6,0,0,101,102,3,52,
        26,0,102,5,1,0,0,0,103,105,5,10,0,0,104,106,3,8,4,0,105,104,1,0,
        0,0,105,106,1,0,0,0,106,107,1,0,0,0,107,108,3,52,26,0,108,109,5,
        6,0,0,109,110,3,48,24,0,110,111,5,2,0,0,111,113,3,46,23,0,112,114,
        3,38,19,0,113,112,1,0,0,0,113,114,1,0,0,0,114,116,1,0,0,0,115,117,
        3,10,5,0,116,115,1,0,0,0,116,117,1,0,0,0,117,7,1,0,0,0,118,119,7,
        0,0,0,119,9,1,0,0,0,120,121,5,27,0,0,121,126,3,56,28,0,122,123,5,
        4,0,0,123,125,3,56,28,0,124,122,1,0,0,0,125,128,1,0,0,0,126,124,
        1,0,0,0,126,127,1,0,0,0,127,11,1,0,0,0,128,126,1,0,0,0,129,133,5,
        11,0,0,130,132,8,1,0,0,131,130,1,0,0,0,132,135,1,0,0,0,133,131,1,
        0,0,0,133,134,1,0,0,0,134,136,1,0,0,0,135,133,1,0,0,0,136,137,5,
        6,0,0,137,138,3,52,26,0,138,13,1,0,0,0,139,143,7,2,0,0,140,142,8,
        1,0,0,141,140,1,0,0,0,142,145,1,0,0,0,143,141,1,0,0,0,143,144,1,
        0,0,0,144,15,1,0,0,0,145,143,1,0,0,0,146,147,5,16,0,0,147,148,3,
        18,9,0,148,149,5,3,0,0,149,151,3,20,10,0,150,152,3,38,19,0,151,150,
        1,0,0,0,151,152,1,0,0,0,152,17,1,0,0,0,153,154,3,58,29,0,154,19,
        1,0,0,0,155,163,5,34,0,0,156,163,5,33,0,0,157,163,5,36,0,0,158,160,
        5,5,0,0,159,158,1,0,0,0,159,160,1,0,0,0,160,161,1,0,0,0,161,163,
        3,58,29,0,162,155,1,0,0,0,162,156,1,0,0,0,162,157,1,0,0,0,162,159,
        1,0,0,0,163,21,1,0,0,0,164,165,5,17,0,0,165,167,3,48,24,0,166,168,
        3,38,19,0,167,166,1,0,0,0,167,168,1,0,0,0,168,169,1,0,0,0,169,170,
        5,6,0,0,170,171,3,24,12,0,171,23,1,0,0,0,172,173,3,58,29,0,173,25,
        1,0,0,0,174,175,7,3,0,0,175,176,3,52,26,0,176,177,7,4,0,0,177,178,
        3,50,25,0,178,179,5,2,0,0,179,181,3,46,23,0,180,182,3,38,19,0,181,
        180,1,0,0,0,181,182,1,0,0,0,182,185,1,0,0,0,183,184,5,6,0,0,184,
        186,3,28,14,0,185,183,1,0,0,0,185,186,1,0,0,0,186,27,1,0,0,0,187,
        188,3,52,26,0,188,29,1,0,0,0,189,190,5,22,0,0,190,191,3,50,25,0,
        191,192,5,2,0,0,192,193,3,46,23,0,193,194,5,6,0,0,194,196,3,54,27,
        0,195,197,3,38,19,0,196,195,1,0,0,0,196,197,1,0,0,0,197,31,1,0,0,
        0,198,204,5,23,0,0,199,200,3,50,25,0,200,201,5,2,0,0,201,202,3,46,
        23,0,202,203,5,6,0,0,203,205,1,0,0,0,204,199,1,0,0,0,204,205,1,0,
        0,0,205,206,1,0,0,0,206,207,3,54,27,0,207,33,1,0,0,0,208,209,5,24,
        0,0,209,210,3,48,24,0,210,211,5,2,0,0,211,213,3,46,23,0,212,214,
        3,38,19,0,213,212,1,0,0,0,213,214,1,0,0,0,214,35,1,0,0,0,215,219,
        5,32,0,0,216,218,8,1,0,0,217,216,1,0,0,0,218,221,1,0,0,0,219,217,
        1,0,0,0,219,220,1,0,0,0,220,37,1,0,0,0,221,219,1,0,0,0,222,223,7,
        5,0,0,223,228,3,40,20,0,224,225,5,7,0,0,225,227,3,40,20,0,226,224,
        1,0,0,0,227,230,1,0,0,0,228,226,1,0,0,0,228,229,1,0,0,0,229,39,1,
        0,0,0,230,228,1,0,0,0,231,232,3,42,21,0,232,233,5,3,0,0,233,234,
        3,44,22,0,234,41,1,0,0,0,235,236,3,58,29,0,236,43,1,0,0,0,237,238,
        7,6,0,0,238,45,1,0,0,0,239,251,5,35,0,0,240,251,5,34,0,0,241,251,
        5,36,0,0,242,247,3,62,31,0,243,244,5,2,0,0,244,246,3,62,31,0,245,
        243,1,0,0,0,246,249,1,0,0,0,247,245,1,0,0,0,247,248,1,0,0,0,248,
        251,1,0,0,0,249,247,1,0,0,0,250,239,1,0,0,0,250,240,1,0,0,0,250,
        241,1,0,0,0,250,242,1,0,0,0,251,47,1,0,0,0,252,253,3,60,30,0,253,
        49,1,0,0,0,254,255,3,60,30,0,255,51,1,0,0,0,256,257,3,60,30,0,257,
        53,1,0,0,0,258,259,3,60,30,0,259,55,1,0,0,0,260,261,3,60,30,0,261,
        57,1,0,0,0,262,267,3,60,30,0,263,264,5,2,0,0,264,266,3,60,30,0,265,
        263,1,0,0,0,266,269,1,0,0,0,267,265,1,0,0,0,267,268,1,0,0,0,268,
        59,1,0,0,0,269,267,1,0,0,0,270,273,3,62,31,0,271,273,5,35,0,0,272,
        270,1,0,0,0,272,271,1,0,0,0,273,61,1,0,0,0,274,277,5,37,0,0,275,
        277,3,64,32,0,276,274,1,0,0,0,276,275,1,0,0,0,277,63,1,0,0,0,278,
        279,7,7,0,0,279,65,1,0,0,0,27,67,71,75,91,98,105,113,116,126,133,
        143,151,159,162,167,181,185,196,204,213,219,228,247,250,267,272,
        276
    ]

class MLSQLParser ( Parser ):

    grammarFileName = "MLSQL.g4"

    atn = ATNDeserializer().deserialize(serializedATN())

    decisionsToDFA = [ DFA(ds, i) for i, ds in enumerate(atn.decisionToState) ]

    sharedContextCache = PredictionContextCache()

    literalNames = [ "<INVALID>", "';'", "'.'", "'='", "','", "'-'", "'as'", 
                     "'and'", "'into'", "'load'", "'save'", "'select'", 
                     "'insert'", "'create'", "'drop'", "'refresh'", "'set'", 
                     "'connect'", "'train'", "'run'", "'predict'", "'evaluate'", 
                     "'register'", "'unregister'", "'include'", "'options'", 
                     "'where'", "'partitionBy'", "'overwrite'", "'append'", 
                     "'errorIfExists'", "'ignore'" ]

    symbolicNames = [ "<INVALID>", "SEMI", "DOT", "EQ", "COMMA", "MINUS", 
                      "AS", "AND", "INTO", "LOAD", "SAVE", "SELECT", "INSERT", 
                      "CREATE", "DROP", "REFRESH", "SET", "CONNECT", "TRAIN", 
                      "RUN", "PREDICT", "EVALUATE", "REGISTER", "UNREGISTER", 
                      "INCLUDE", "OPTIONS", "WHERE", "PARTITIONBY", "OVERWRITE", 
                      "APPEND", "ERRORIFEXISTS", "IGNORE", "COMMAND", "BLOCK_STRING", 
                      "STRING", "BACKQUOTED_IDENTIFIER", "VAR_REF", "IDENTIFIER", 
                      "LINE_COMMENT", "BLOCK_COMMENT", "WS", "UNTERMINATED_BLOCK_STRING", 
                      "UNTERMINATED_STRING", "UNTERMINATED_BACKQUOTE", "UNTERMINATED_COMMENT", 
                      "UNRECOGNIZED" ]

    RULE_script = 0
    RULE_statement = 1
    RULE_loadStatement = 2
    RULE_saveStatement = 3
    RULE_saveMode = 4
    RULE_partitionClause = 5
    RULE_selectStatement = 6
    RULE_sqlStatement = 7
    RULE_setStatement = 8
    RULE_setKey = 9
    RULE_setValue = 10
    RULE_connectStatement = 11
    RULE_connectName = 12
    RULE_modelStatement = 13
    RULE_outputTable = 14
    RULE_registerStatement = 15
    RULE_unregisterStatement = 16
    RULE_includeStatement = 17
    RULE_commandStatement = 18
    RULE_optionsClause = 19
    RULE_option = 20
    RULE_optionKey = 21
    RULE_optionValue = 22
    RULE_path = 23
    RULE_format = 24
    RULE_algorithm = 25
    RULE_tableName = 26
    RULE_functionName = 27
    RULE_column = 28
    RULE_qualifiedName = 29
    RULE_identifier = 30
    RULE_bareName = 31
    RULE_nonReserved = 32

    ruleNames =  [ "script", "statement", "loadStatement", "saveStatement", 
                   "saveMode", "partitionClause", "selectStatement", "sqlStatement", 
                   "setStatement", "setKey", "setValue", "connectStatement", 
                   "connectName", "modelStatement", "outputTable", "registerStatement", 
                   "unregisterStatement", "includeStatement", "commandStatement", 
                   "optionsClause", "option", "optionKey", "optionValue", 
                   "path", "format", "algorithm", "tableName", "functionName", 
                   "column", "qualifiedName", "identifier", "bareName", 
                   "nonReserved" ]

    EOF = Token.EOF
    SEMI=1
    DOT=2
    EQ=3
    COMMA=4
    MINUS=5
    AS=6
    AND=7
    INTO=8
    LOAD=9
    SAVE=10
    SELECT=11
    INSERT=12
    CREATE=13
    DROP=14
    REFRESH=15
    SET=16
    CONNECT=17
    TRAIN=18
    RUN=19
    PREDICT=20
    EVALUATE=21
    REGISTER=22
    UNREGISTER=23
    INCLUDE=24
    OPTIONS=25
    WHERE=26
    PARTITIONBY=27
    OVERWRITE=28
    APPEND=29
    ERRORIFEXISTS=30
    IGNORE=31
    COMMAND=32
    BLOCK_STRING=33
    STRING=34
    BACKQUOTED_IDENTIFIER=35
    VAR_REF=36
    IDENTIFIER=37
    LINE_COMMENT=38
    BLOCK_COMMENT=39
    WS=40
    UNTERMINATED_BLOCK_STRING=41
    UNTERMINATED_STRING=42
    UNTERMINATED_BACKQUOTE=43
    UNTERMINATED_COMMENT=44
    UNRECOGNIZED=45

    def __init__(self, input:TokenStream, output:TextIO = sys.stdout):
        super().__init__(input, output)
        self.checkVersion("4.13.2")
        self._interp = ParserATNSimulator(self, self.atn, self.decisionsToDFA, self.sharedContextCache)
        self._predicates = None




    class ScriptContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def EOF(self):
            return self.getToken(MLSQLParser.EOF, 0)

        def statement(self, i:int=None):
            if i is None:
                return self.getTypedRuleContexts(MLSQLParser.StatementContext)
            else:
                return self.getTypedRuleContext(MLSQLParser.StatementContext,i)


        def SEMI(self, i:int=None):
            if i is None:
                return self.getTokens(MLSQLParser.SEMI)
            else:
                return self.getToken(MLSQLParser.SEMI, i)

        def getRuleIndex(self):
            return MLSQLParser.RULE_script

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitScript" ):
                return visitor.visitScript(self)
            else:
                return visitor.visitChildren(self)




    def script(self):

        localctx = MLSQLParser.ScriptContext(self, self._ctx, self.state)
        self.enterRule(localctx, 0, self.RULE_script)
        self._la = 0 # Token type
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 67
            self._errHandler.sync(self)
            _la = self._input.LA(1)
            if (((_la) & ~0x3f) == 0 and ((1 << _la) & 4328521216) != 0):
                self.state = 66
                self.statement()


            self.state = 75
            self._errHandler.sync(self)
            _la = self._input.LA(1)
            while _la==1:
                self.state = 69
                self.match(MLSQLParser.SEMI)
                self.state = 71
                self._errHandler.sync(self)
                _la = self._input.LA(1)
                if (((_la) & ~0x3f) == 0 and ((1 << _la) & 4328521216) != 0):
                    self.state = 70
                    self.statement()


                self.state = 77
                self._errHandler.sync(self)
                _la = self._input.LA(1)

            self.state = 78
            self.match(MLSQLParser.EOF)
        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class StatementContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def loadStatement(self):
            return self.getTypedRuleContext(MLSQLParser.LoadStatementContext,0)


        def saveStatement(self):
            return self.getTypedRuleContext(MLSQLParser.SaveStatementContext,0)


        def selectStatement(self):
            return self.getTypedRuleContext(MLSQLParser.SelectStatementContext,0)


        def sqlStatement(self):
            return self.getTypedRuleContext(MLSQLParser.SqlStatementContext,0)


        def setStatement(self):
            return self.getTypedRuleContext(MLSQLParser.SetStatementContext,0)


        def connectStatement(self):
            return self.getTypedRuleContext(MLSQLParser.ConnectStatementContext,0)


        def modelStatement(self):
            return self.getTypedRuleContext(MLSQLParser.ModelStatementContext,0)


        def registerStatement(self):
            return self.getTypedRuleContext(MLSQLParser.RegisterStatementContext,0)


        def unregisterStatement(self):
            return self.getTypedRuleContext(MLSQLParser.UnregisterStatementContext,0)


        def includeStatement(self):
            return self.getTypedRuleContext(MLSQLParser.IncludeStatementContext,0)


        def commandStatement(self):
            return self.getTypedRuleContext(MLSQLParser.CommandStatementContext,0)


        def getRuleIndex(self):
            return MLSQLParser.RULE_statement

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitStatement" ):
                return visitor.visitStatement(self)
            else:
                return visitor.visitChildren(self)




    def statement(self):

        localctx = MLSQLParser.StatementContext(self, self._ctx, self.state)
        self.enterRule(localctx, 2, self.RULE_statement)
        try:
            self.state = 91
            self._errHandler.sync(self)
            token = self._input.LA(1)
            if token in [9]:
                self.enterOuterAlt(localctx, 1)
                self.state = 80
                self.loadStatement()
                pass
            elif token in [10]:
                self.enterOuterAlt(localctx, 2)
                self.state = 81
                self.saveStatement()
                pass
            elif token in [11]:
                self.enterOuterAlt(localctx, 3)
                self.state = 82
                self.selectStatement()
                pass
            elif token in [12, 13, 14, 15]:
                self.enterOuterAlt(localctx, 4)
                self.state = 83
                self.sqlStatement()
                pass
            elif token in [16]:
                self.enterOuterAlt(localctx, 5)
                self.state = 84
                self.setStatement()
                pass
            elif token in [17]:
                self.enterOuterAlt(localctx, 6)
                self.state = 85
                self.connectStatement()
                pass
            elif token in [18, 19, 20, 21]:
                self.enterOuterAlt(localctx, 7)
                self.state = 86
                self.modelStatement()
                pass
            elif token in [22]:
                self.enterOuterAlt(localctx, 8)
                self.state = 87
                self.registerStatement()
                pass
            elif token in [23]:
                self.enterOuterAlt(localctx, 9)
                self.state = 88
                self.unregisterStatement()
                pass
            elif token in [24]:
                self.enterOuterAlt(localctx, 10)
                self.state = 89
                self.includeStatement()
                pass
            elif token in [32]:
                self.enterOuterAlt(localctx, 11)
                self.state = 90
                self.commandStatement()
                pass
            else:
                raise NoViableAltException(self)

        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class LoadStatementContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def LOAD(self):
            return self.getToken(MLSQLParser.LOAD, 0)

        def format_(self):
            return self.getTypedRuleContext(MLSQLParser.FormatContext,0)


        def DOT(self):
            return self.getToken(MLSQLParser.DOT, 0)

        def path(self):
            return self.getTypedRuleContext(MLSQLParser.PathContext,0)


        def AS(self):
            return self.getToken(MLSQLParser.AS, 0)

        def tableName(self):
            return self.getTypedRuleContext(MLSQLParser.TableNameContext,0)


        def optionsClause(self):
            return self.getTypedRuleContext(MLSQLParser.OptionsClauseContext,0)


        def getRuleIndex(self):
            return MLSQLParser.RULE_loadStatement

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitLoadStatement" ):
                return visitor.visitLoadStatement(self)
            else:
                return visitor.visitChildren(self)




    def loadStatement(self):

        localctx = MLSQLParser.LoadStatementContext(self, self._ctx, self.state)
        self.enterRule(localctx, 4, self.RULE_loadStatement)
        self._la = 0 # Token type
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 93
            self.match(MLSQLParser.LOAD)
            self.state = 94
            self.format_()
            self.state = 95
            self.match(MLSQLParser.DOT)
            self.state = 96
            self.path()
            self.state = 98
            self._errHandler.sync(self)
            _la = self._input.LA(1)
            if _la==25 or _la==26:
                self.state = 97
                self.optionsClause()


            self.state = 100
            self.match(MLSQLParser.AS)
            self.state = 101
            self.tableName()
        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class SaveStatementContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def SAVE(self):
            return self.getToken(MLSQLParser.SAVE, 0)

        def tableName(self):
            return self.getTypedRuleContext(MLSQLParser.TableNameContext,0)


        def AS(self):
            return self.getToken(MLSQLParser.AS, 0)

        def format_(self):
            return self.getTypedRuleContext(MLSQLParser.FormatContext,0)


        def DOT(self):
            return self.getToken(MLSQLParser.DOT, 0)

        def path(self):
            return self.getTypedRuleContext(MLSQLParser.PathContext,0)


        def saveMode(self):
            return self.getTypedRuleContext(MLSQLParser.SaveModeContext,0)


        def optionsClause(self):
            return self.getTypedRuleContext(MLSQLParser.OptionsClauseContext,0)


        def partitionClause(self):
            return self.getTypedRuleContext(MLSQLParser.PartitionClauseContext,0)


        def getRuleIndex(self):
            return MLSQLParser.RULE_saveStatement

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitSaveStatement" ):
                return visitor.visitSaveStatement(self)
            else:
                return visitor.visitChildren(self)




    def saveStatement(self):

        localctx = MLSQLParser.SaveStatementContext(self, self._ctx, self.state)
        self.enterRule(localctx, 6, self.RULE_saveStatement)
        self._la = 0 # Token type
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 103
            self.match(MLSQLParser.SAVE)
            self.state = 105
            self._errHandler.sync(self)
            la_ = self._interp.adaptivePredict(self._input,5,self._ctx)
            if la_ == 1:
                self.state = 104
                self.saveMode()


            self.state = 107
            self.tableName()
            self.state = 108
            self.match(MLSQLParser.AS)
            self.state = 109
            self.format_()
            self.state = 110
            self.match(MLSQLParser.DOT)
            self.state = 111
            self.path()
            self.state = 113
            self._errHandler.sync(self)
            _la = self._input.LA(1)
            if _la==25 or _la==26:
                self.state = 112
                self.optionsClause()


            self.state = 116
            self._errHandler.sync(self)
            _la = self._input.LA(1)
            if _la==27:
                self.state = 115
                self.partitionClause()


        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class SaveModeContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def OVERWRITE(self):
            return self.getToken(MLSQLParser.OVERWRITE, 0)

        def APPEND(self):
            return self.getToken(MLSQLParser.APPEND, 0)

        def ERRORIFEXISTS(self):
            return self.getToken(MLSQLParser.ERRORIFEXISTS, 0)

        def IGNORE(self):
            return self.getToken(MLSQLParser.IGNORE, 0)

        def getRuleIndex(self):
            return MLSQLParser.RULE_saveMode

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitSaveMode" ):
                return visitor.visitSaveMode(self)
            else:
                return visitor.visitChildren(self)




    def saveMode(self):

        localctx = MLSQLParser.SaveModeContext(self, self._ctx, self.state)
        self.enterRule(localctx, 8, self.RULE_saveMode)
        self._la = 0 # Token type
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 118
            _la = self._input.LA(1)
            if not((((_la) & ~0x3f) == 0 and ((1 << _la) & 4026531840) != 0)):
                self._errHandler.recoverInline(self)
            else:
                self._errHandler.reportMatch(self)
                self.consume()
        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class PartitionClauseContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def PARTITIONBY(self):
            return self.getToken(MLSQLParser.PARTITIONBY, 0)

        def column(self, i:int=None):
            if i is None:
                return self.getTypedRuleContexts(MLSQLParser.ColumnContext)
            else:
                return self.getTypedRuleContext(MLSQLParser.ColumnContext,i)


        def COMMA(self, i:int=None):
            if i is None:
                return self.getTokens(MLSQLParser.COMMA)
            else:
                return self.getToken(MLSQLParser.COMMA, i)

        def getRuleIndex(self):
            return MLSQLParser.RULE_partitionClause

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitPartitionClause" ):
                return visitor.visitPartitionClause(self)
            else:
                return visitor.visitChildren(self)




    def partitionClause(self):

        localctx = MLSQLParser.PartitionClauseContext(self, self._ctx, self.state)
        self.enterRule(localctx, 10, self.RULE_partitionClause)
        self._la = 0 # Token type
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 120
            self.match(MLSQLParser.PARTITIONBY)
            self.state = 121
            self.column()
            self.state = 126
            self._errHandler.sync(self)
            _la = self._input.LA(1)
            while _la==4:
                self.state = 122
                self.match(MLSQLParser.COMMA)
                self.state = 123
                self.column()
                self.state = 128
                self._errHandler.sync(self)
                _la = self._input.LA(1)

        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class SelectStatementContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def SELECT(self):
            return self.getToken(MLSQLParser.SELECT, 0)

        def AS(self):
            return self.getToken(MLSQLParser.AS, 0)

        def tableName(self):
            return self.getTypedRuleContext(MLSQLParser.TableNameContext,0)


        def SEMI(self, i:int=None):
            if i is None:
                return self.getTokens(MLSQLParser.SEMI)
            else:
                return self.getToken(MLSQLParser.SEMI, i)

        def getRuleIndex(self):
            return MLSQLParser.RULE_selectStatement

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitSelectStatement" ):
                return visitor.visitSelectStatement(self)
            else:
                return visitor.visitChildren(self)




    def selectStatement(self):

        localctx = MLSQLParser.SelectStatementContext(self, self._ctx, self.state)
        self.enterRule(localctx, 12, self.RULE_selectStatement)
        self._la = 0 # Token type
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 129
            self.match(MLSQLParser.SELECT)
            self.state = 133
            self._errHandler.sync(self)
            _alt = self._interp.adaptivePredict(self._input,9,self._ctx)
            while _alt!=2 and _alt!=ATN.INVALID_ALT_NUMBER:
                if _alt==1:
                    self.state = 130
                    _la = self._input.LA(1)
                    if _la <= 0 or _la==1:
                        self._errHandler.recoverInline(self)
                    else:
                        self._errHandler.reportMatch(self)
                        self.consume() 
                self.state = 135
                self._errHandler.sync(self)
                _alt = self._interp.adaptivePredict(self._input,9,self._ctx)

            self.state = 136
            self.match(MLSQLParser.AS)
            self.state = 137
            self.tableName()
        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class SqlStatementContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def INSERT(self):
            return self.getToken(MLSQLParser.INSERT, 0)

        def CREATE(self):
            return self.getToken(MLSQLParser.CREATE, 0)

        def DROP(self):
            return self.getToken(MLSQLParser.DROP, 0)

        def REFRESH(self):
            return self.getToken(MLSQLParser.REFRESH, 0)

        def SEMI(self, i:int=None):
            if i is None:
                return self.getTokens(MLSQLParser.SEMI)
            else:
                return self.getToken(MLSQLParser.SEMI, i)

        def getRuleIndex(self):
            return MLSQLParser.RULE_sqlStatement

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitSqlStatement" ):
                return visitor.visitSqlStatement(self)
            else:
                return visitor.visitChildren(self)




    def sqlStatement(self):

        localctx = MLSQLParser.SqlStatementContext(self, self._ctx, self.state)
        self.enterRule(localctx, 14, self.RULE_sqlStatement)
        self._la = 0 # Token type
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 139
            _la = self._input.LA(1)
            if not((((_la) & ~0x3f) == 0 and ((1 << _la) & 61440) != 0)):
                self._errHandler.recoverInline(self)
            else:
                self._errHandler.reportMatch(self)
                self.consume()
            self.state = 143
            self._errHandler.sync(self)
            _la = self._input.LA(1)
            while (((_la) & ~0x3f) == 0 and ((1 << _la) & 70368744177660) != 0):
                self.state = 140
                _la = self._input.LA(1)
                if _la <= 0 or _la==1:
                    self._errHandler.recoverInline(self)
                else:
                    self._errHandler.reportMatch(self)
                    self.consume()
                self.state = 145
                self._errHandler.sync(self)
                _la = self._input.LA(1)

        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class SetStatementContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def SET(self):
            return self.getToken(MLSQLParser.SET, 0)

        def setKey(self):
            return self.getTypedRuleContext(MLSQLParser.SetKeyContext,0)


        def EQ(self):
            return self.getToken(MLSQLParser.EQ, 0)

        def setValue(self):
            return self.getTypedRuleContext(MLSQLParser.SetValueContext,0)


        def optionsClause(self):
            return self.getTypedRuleContext(MLSQLParser.OptionsClauseContext,0)


        def getRuleIndex(self):
            return MLSQLParser.RULE_setStatement

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitSetStatement" ):
                return visitor.visitSetStatement(self)
            else:
                return visitor.visitChildren(self)




    def setStatement(self):

        localctx = MLSQLParser.SetStatementContext(self, self._ctx, self.state)
        self.enterRule(localctx, 16, self.RULE_setStatement)
        self._la = 0 # Token type
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 146
            self.match(MLSQLParser.SET)
            self.state = 147
            self.setKey()
            self.state = 148
            self.match(MLSQLParser.EQ)
            self.state = 149
            self.setValue()
            self.state = 151
            self._errHandler.sync(self)
            _la = self._input.LA(1)
            if _la==25 or _la==26:
                self.state = 150
                self.optionsClause()


        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class SetKeyContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def qualifiedName(self):
            return self.getTypedRuleContext(MLSQLParser.QualifiedNameContext,0)


        def getRuleIndex(self):
            return MLSQLParser.RULE_setKey

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitSetKey" ):
                return visitor.visitSetKey(self)
            else:
                return visitor.visitChildren(self)




    def setKey(self):

        localctx = MLSQLParser.SetKeyContext(self, self._ctx, self.state)
        self.enterRule(localctx, 18, self.RULE_setKey)
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 153
            self.qualifiedName()
        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class SetValueContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def STRING(self):
            return self.getToken(MLSQLParser.STRING, 0)

        def BLOCK_STRING(self):
            return self.getToken(MLSQLParser.BLOCK_STRING, 0)

        def VAR_REF(self):
            return self.getToken(MLSQLParser.VAR_REF, 0)

        def qualifiedName(self):
            return self.getTypedRuleContext(MLSQLParser.QualifiedNameContext,0)


        def MINUS(self):
            return self.getToken(MLSQLParser.MINUS, 0)

        def getRuleIndex(self):
            return MLSQLParser.RULE_setValue

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitSetValue" ):
                return visitor.visitSetValue(self)
            else:
                return visitor.visitChildren(self)




    def setValue(self):

        localctx = MLSQLParser.SetValueContext(self, self._ctx, self.state)
        self.enterRule(localctx, 20, self.RULE_setValue)
        self._la = 0 # Token type
        try:
            self.state = 162
            self._errHandler.sync(self)
            token = self._input.LA(1)
            if token in [34]:
                self.enterOuterAlt(localctx, 1)
                self.state = 155
                self.match(MLSQLParser.STRING)
                pass
            elif token in [33]:
                self.enterOuterAlt(localctx, 2)
                self.state = 156
                self.match(MLSQLParser.BLOCK_STRING)
                pass
            elif token in [36]:
                self.enterOuterAlt(localctx, 3)
                self.state = 157
                self.match(MLSQLParser.VAR_REF)
                pass
            elif token in [5, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 35, 37]:
                self.enterOuterAlt(localctx, 4)
                self.state = 159
                self._errHandler.sync(self)
                _la = self._input.LA(1)
                if _la==5:
                    self.state = 158
                    self.match(MLSQLParser.MINUS)


                self.state = 161
                self.qualifiedName()
                pass
            else:
                raise NoViableAltException(self)

        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class ConnectStatementContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def CONNECT(self):
            return self.getToken(MLSQLParser.CONNECT, 0)

        def format_(self):
            return self.getTypedRuleContext(MLSQLParser.FormatContext,0)


        def AS(self):
            return self.getToken(MLSQLParser.AS, 0)

        def connectName(self):
            return self.getTypedRuleContext(MLSQLParser.ConnectNameContext,0)


        def optionsClause(self):
            return self.getTypedRuleContext(MLSQLParser.OptionsClauseContext,0)


        def getRuleIndex(self):
            return MLSQLParser.RULE_connectStatement

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitConnectStatement" ):
                return visitor.visitConnectStatement(self)
            else:
                return visitor.visitChildren(self)




    def connectStatement(self):

        localctx = MLSQLParser.ConnectStatementContext(self, self._ctx, self.state)
        self.enterRule(localctx, 22, self.RULE_connectStatement)
        self._la = 0 # Token type
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 164
            self.match(MLSQLParser.CONNECT)
            self.state = 165
            self.format_()
            self.state = 167
            self._errHandler.sync(self)
            _la = self._input.LA(1)
            if _la==25 or _la==26:
                self.state = 166
                self.optionsClause()


            self.state = 169
            self.match(MLSQLParser.AS)
            self.state = 170
            self.connectName()
        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class ConnectNameContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def qualifiedName(self):
            return self.getTypedRuleContext(MLSQLParser.QualifiedNameContext,0)


        def getRuleIndex(self):
            return MLSQLParser.RULE_connectName

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitConnectName" ):
                return visitor.visitConnectName(self)
            else:
                return visitor.visitChildren(self)




    def connectName(self):

        localctx = MLSQLParser.ConnectNameContext(self, self._ctx, self.state)
        self.enterRule(localctx, 24, self.RULE_connectName)
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 172
            self.qualifiedName()
        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class ModelStatementContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def tableName(self):
            return self.getTypedRuleContext(MLSQLParser.TableNameContext,0)


        def algorithm(self):
            return self.getTypedRuleContext(MLSQLParser.AlgorithmContext,0)


        def DOT(self):
            return self.getToken(MLSQLParser.DOT, 0)

        def path(self):
            return self.getTypedRuleContext(MLSQLParser.PathContext,0)


        def TRAIN(self):
            return self.getToken(MLSQLParser.TRAIN, 0)

        def RUN(self):
            return self.getToken(MLSQLParser.RUN, 0)

        def PREDICT(self):
            return self.getToken(MLSQLParser.PREDICT, 0)

        def EVALUATE(self):
            return self.getToken(MLSQLParser.EVALUATE, 0)

        def AS(self, i:int=None):
            if i is None:
                return self.getTokens(MLSQLParser.AS)
            else:
                return self.getToken(MLSQLParser.AS, i)

        def INTO(self):
            return self.getToken(MLSQLParser.INTO, 0)

        def optionsClause(self):
            return self.getTypedRuleContext(MLSQLParser.OptionsClauseContext,0)


        def outputTable(self):
            return self.getTypedRuleContext(MLSQLParser.OutputTableContext,0)


        def getRuleIndex(self):
            return MLSQLParser.RULE_modelStatement

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitModelStatement" ):
                return visitor.visitModelStatement(self)
            else:
                return visitor.visitChildren(self)




    def modelStatement(self):

        localctx = MLSQLParser.ModelStatementContext(self, self._ctx, self.state)
        self.enterRule(localctx, 26, self.RULE_modelStatement)
        self._la = 0 # Token type
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 174
            _la = self._input.LA(1)
            if not((((_la) & ~0x3f) == 0 and ((1 << _la) & 3932160) != 0)):
                self._errHandler.recoverInline(self)
            else:
                self._errHandler.reportMatch(self)
                self.consume()
            self.state = 175
            self.tableName()
            self.state = 176
            _la = self._input.LA(1)
            if not(_la==6 or _la==8):
                self._errHandler.recoverInline(self)
            else:
                self._errHandler.reportMatch(self)
                self.consume()
            self.state = 177
            self.algorithm()
            self.state = 178
            self.match(MLSQLParser.DOT)
            self.state = 179
            self.path()
            self.state = 181
            self._errHandler.sync(self)
            _la = self._input.LA(1)
            if _la==25 or _la==26:
                self.state = 180
                self.optionsClause()


            self.state = 185
            self._errHandler.sync(self)
            _la = self._input.LA(1)
            if _la==6:
                self.state = 183
                self.match(MLSQLParser.AS)
                self.state = 184
                self.outputTable()


        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class OutputTableContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def tableName(self):
            return self.getTypedRuleContext(MLSQLParser.TableNameContext,0)


        def getRuleIndex(self):
            return MLSQLParser.RULE_outputTable

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitOutputTable" ):
                return visitor.visitOutputTable(self)
            else:
                return visitor.visitChildren(self)




    def outputTable(self):

        localctx = MLSQLParser.OutputTableContext(self, self._ctx, self.state)
        self.enterRule(localctx, 28, self.RULE_outputTable)
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 187
            self.tableName()
        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class RegisterStatementContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def REGISTER(self):
            return self.getToken(MLSQLParser.REGISTER, 0)

        def algorithm(self):
            return self.getTypedRuleContext(MLSQLParser.AlgorithmContext,0)


        def DOT(self):
            return self.getToken(MLSQLParser.DOT, 0)

        def path(self):
            return self.getTypedRuleContext(MLSQLParser.PathContext,0)


        def AS(self):
            return self.getToken(MLSQLParser.AS, 0)

        def functionName(self):
            return self.getTypedRuleContext(MLSQLParser.FunctionNameContext,0)


        def optionsClause(self):
            return self.getTypedRuleContext(MLSQLParser.OptionsClauseContext,0)


        def getRuleIndex(self):
            return MLSQLParser.RULE_registerStatement

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitRegisterStatement" ):
                return visitor.visitRegisterStatement(self)
            else:
                return visitor.visitChildren(self)




    def registerStatement(self):

        localctx = MLSQLParser.RegisterStatementContext(self, self._ctx, self.state)
        self.enterRule(localctx, 30, self.RULE_registerStatement)
        self._la = 0 # Token type
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 189
            self.match(MLSQLParser.REGISTER)
            self.state = 190
            self.algorithm()
            self.state = 191
            self.match(MLSQLParser.DOT)
            self.state = 192
            self.path()
            self.state = 193
            self.match(MLSQLParser.AS)
            self.state = 194
            self.functionName()
            self.state = 196
            self._errHandler.sync(self)
            _la = self._input.LA(1)
            if _la==25 or _la==26:
                self.state = 195
                self.optionsClause()


        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class UnregisterStatementContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def UNREGISTER(self):
            return self.getToken(MLSQLParser.UNREGISTER, 0)

        def functionName(self):
            return self.getTypedRuleContext(MLSQLParser.FunctionNameContext,0)


        def algorithm(self):
            return self.getTypedRuleContext(MLSQLParser.AlgorithmContext,0)


        def DOT(self):
            return self.getToken(MLSQLParser.DOT, 0)

        def path(self):
            return self.getTypedRuleContext(MLSQLParser.PathContext,0)


        def AS(self):
            return self.getToken(MLSQLParser.AS, 0)

        def getRuleIndex(self):
            return MLSQLParser.RULE_unregisterStatement

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitUnregisterStatement" ):
                return visitor.visitUnregisterStatement(self)
            else:
                return visitor.visitChildren(self)




    def unregisterStatement(self):

        localctx = MLSQLParser.UnregisterStatementContext(self, self._ctx, self.state)
        self.enterRule(localctx, 32, self.RULE_unregisterStatement)
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 198
            self.match(MLSQLParser.UNREGISTER)
            self.state = 204
            self._errHandler.sync(self)
            la_ = self._interp.adaptivePredict(self._input,18,self._ctx)
            if la_ == 1:
                self.state = 199
                self.algorithm()
                self.state = 200
                self.match(MLSQLParser.DOT)
                self.state = 201
                self.path()
                self.state = 202
                self.match(MLSQLParser.AS)


            self.state = 206
            self.functionName()
        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class IncludeStatementContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def INCLUDE(self):
            return self.getToken(MLSQLParser.INCLUDE, 0)

        def format_(self):
            return self.getTypedRuleContext(MLSQLParser.FormatContext,0)


        def DOT(self):
            return self.getToken(MLSQLParser.DOT, 0)

        def path(self):
            return self.getTypedRuleContext(MLSQLParser.PathContext,0)


        def optionsClause(self):
            return self.getTypedRuleContext(MLSQLParser.OptionsClauseContext,0)


        def getRuleIndex(self):
            return MLSQLParser.RULE_includeStatement

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitIncludeStatement" ):
                return visitor.visitIncludeStatement(self)
            else:
                return visitor.visitChildren(self)




    def includeStatement(self):

        localctx = MLSQLParser.IncludeStatementContext(self, self._ctx, self.state)
        self.enterRule(localctx, 34, self.RULE_includeStatement)
        self._la = 0 # Token type
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 208
            self.match(MLSQLParser.INCLUDE)
            self.state = 209
            self.format_()
            self.state = 210
            self.match(MLSQLParser.DOT)
            self.state = 211
            self.path()
            self.state = 213
            self._errHandler.sync(self)
            _la = self._input.LA(1)
            if _la==25 or _la==26:
                self.state = 212
                self.optionsClause()


        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class CommandStatementContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def COMMAND(self):
            return self.getToken(MLSQLParser.COMMAND, 0)

        def SEMI(self, i:int=None):
            if i is None:
                return self.getTokens(MLSQLParser.SEMI)
            else:
                return self.getToken(MLSQLParser.SEMI, i)

        def getRuleIndex(self):
            return MLSQLParser.RULE_commandStatement

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitCommandStatement" ):
                return visitor.visitCommandStatement(self)
            else:
                return visitor.visitChildren(self)




    def commandStatement(self):

        localctx = MLSQLParser.CommandStatementContext(self, self._ctx, self.state)
        self.enterRule(localctx, 36, self.RULE_commandStatement)
        self._la = 0 # Token type
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 215
            self.match(MLSQLParser.COMMAND)
            self.state = 219
            self._errHandler.sync(self)
            _la = self._input.LA(1)
            while (((_la) & ~0x3f) == 0 and ((1 << _la) & 70368744177660) != 0):
                self.state = 216
                _la = self._input.LA(1)
                if _la <= 0 or _la==1:
                    self._errHandler.recoverInline(self)
                else:
                    self._errHandler.reportMatch(self)
                    self.consume()
                self.state = 221
                self._errHandler.sync(self)
                _la = self._input.LA(1)

        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class OptionsClauseContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def option(self, i:int=None):
            if i is None:
                return self.getTypedRuleContexts(MLSQLParser.OptionContext)
            else:
                return self.getTypedRuleContext(MLSQLParser.OptionContext,i)


        def OPTIONS(self):
            return self.getToken(MLSQLParser.OPTIONS, 0)

        def WHERE(self):
            return self.getToken(MLSQLParser.WHERE, 0)

        def AND(self, i:int=None):
            if i is None:
                return self.getTokens(MLSQLParser.AND)
            else:
                return self.getToken(MLSQLParser.AND, i)

        def getRuleIndex(self):
            return MLSQLParser.RULE_optionsClause

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitOptionsClause" ):
                return visitor.visitOptionsClause(self)
            else:
                return visitor.visitChildren(self)




    def optionsClause(self):

        localctx = MLSQLParser.OptionsClauseContext(self, self._ctx, self.state)
        self.enterRule(localctx, 38, self.RULE_optionsClause)
        self._la = 0 # Token type
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 222
            _la = self._input.LA(1)
            if not(_la==25 or _la==26):
                self._errHandler.recoverInline(self)
            else:
                self._errHandler.reportMatch(self)
                self.consume()
            self.state = 223
            self.option()
            self.state = 228
            self._errHandler.sync(self)
            _la = self._input.LA(1)
            while _la==7:
                self.state = 224
                self.match(MLSQLParser.AND)
                self.state = 225
                self.option()
                self.state = 230
                self._errHandler.sync(self)
                _la = self._input.LA(1)

        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class OptionContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def optionKey(self):
            return self.getTypedRuleContext(MLSQLParser.OptionKeyContext,0)


        def EQ(self):
            return self.getToken(MLSQLParser.EQ, 0)

        def optionValue(self):
            return self.getTypedRuleContext(MLSQLParser.OptionValueContext,0)


        def getRuleIndex(self):
            return MLSQLParser.RULE_option

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitOption" ):
                return visitor.visitOption(self)
            else:
                return visitor.visitChildren(self)




    def option(self):

        localctx = MLSQLParser.OptionContext(self, self._ctx, self.state)
        self.enterRule(localctx, 40, self.RULE_option)
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 231
            self.optionKey()
            self.state = 232
            self.match(MLSQLParser.EQ)
            self.state = 233
            self.optionValue()
        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class OptionKeyContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def qualifiedName(self):
            return self.getTypedRuleContext(MLSQLParser.QualifiedNameContext,0)


        def getRuleIndex(self):
            return MLSQLParser.RULE_optionKey

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitOptionKey" ):
                return visitor.visitOptionKey(self)
            else:
                return visitor.visitChildren(self)




    def optionKey(self):

        localctx = MLSQLParser.OptionKeyContext(self, self._ctx, self.state)
        self.enterRule(localctx, 42, self.RULE_optionKey)
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 235
            self.qualifiedName()
        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class OptionValueContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def STRING(self):
            return self.getToken(MLSQLParser.STRING, 0)

        def BLOCK_STRING(self):
            return self.getToken(MLSQLParser.BLOCK_STRING, 0)

        def getRuleIndex(self):
            return MLSQLParser.RULE_optionValue

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitOptionValue" ):
                return visitor.visitOptionValue(self)
            else:
                return visitor.visitChildren(self)




    def optionValue(self):

        localctx = MLSQLParser.OptionValueContext(self, self._ctx, self.state)
        self.enterRule(localctx, 44, self.RULE_optionValue)
        self._la = 0 # Token type
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 237
            _la = self._input.LA(1)
            if not(_la==33 or _la==34):
                self._errHandler.recoverInline(self)
            else:
                self._errHandler.reportMatch(self)
                self.consume()
        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class PathContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def BACKQUOTED_IDENTIFIER(self):
            return self.getToken(MLSQLParser.BACKQUOTED_IDENTIFIER, 0)

        def STRING(self):
            return self.getToken(MLSQLParser.STRING, 0)

        def VAR_REF(self):
            return self.getToken(MLSQLParser.VAR_REF, 0)

        def bareName(self, i:int=None):
            if i is None:
                return self.getTypedRuleContexts(MLSQLParser.BareNameContext)
            else:
                return self.getTypedRuleContext(MLSQLParser.BareNameContext,i)


        def DOT(self, i:int=None):
            if i is None:
                return self.getTokens(MLSQLParser.DOT)
            else:
                return self.getToken(MLSQLParser.DOT, i)

        def getRuleIndex(self):
            return MLSQLParser.RULE_path

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitPath" ):
                return visitor.visitPath(self)
            else:
                return visitor.visitChildren(self)




    def path(self):

        localctx = MLSQLParser.PathContext(self, self._ctx, self.state)
        self.enterRule(localctx, 46, self.RULE_path)
        self._la = 0 # Token type
        try:
            self.state = 250
            self._errHandler.sync(self)
            token = self._input.LA(1)
            if token in [35]:
                self.enterOuterAlt(localctx, 1)
                self.state = 239
                self.match(MLSQLParser.BACKQUOTED_IDENTIFIER)
                pass
            elif token in [34]:
                self.enterOuterAlt(localctx, 2)
                self.state = 240
                self.match(MLSQLParser.STRING)
                pass
            elif token in [36]:
                self.enterOuterAlt(localctx, 3)
                self.state = 241
                self.match(MLSQLParser.VAR_REF)
                pass
            elif token in [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 37]:
                self.enterOuterAlt(localctx, 4)
                self.state = 242
                self.bareName()
                self.state = 247
                self._errHandler.sync(self)
                _la = self._input.LA(1)
                while _la==2:
                    self.state = 243
                    self.match(MLSQLParser.DOT)
                    self.state = 244
                    self.bareName()
                    self.state = 249
                    self._errHandler.sync(self)
                    _la = self._input.LA(1)

                pass
            else:
                raise NoViableAltException(self)

        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class FormatContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def identifier(self):
            return self.getTypedRuleContext(MLSQLParser.IdentifierContext,0)


        def getRuleIndex(self):
            return MLSQLParser.RULE_format

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitFormat" ):
                return visitor.visitFormat(self)
            else:
                return visitor.visitChildren(self)




    def format_(self):

        localctx = MLSQLParser.FormatContext(self, self._ctx, self.state)
        self.enterRule(localctx, 48, self.RULE_format)
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 252
            self.identifier()
        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class AlgorithmContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def identifier(self):
            return self.getTypedRuleContext(MLSQLParser.IdentifierContext,0)


        def getRuleIndex(self):
            return MLSQLParser.RULE_algorithm

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitAlgorithm" ):
                return visitor.visitAlgorithm(self)
            else:
                return visitor.visitChildren(self)




    def algorithm(self):

        localctx = MLSQLParser.AlgorithmContext(self, self._ctx, self.state)
        self.enterRule(localctx, 50, self.RULE_algorithm)
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 254
            self.identifier()
        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class TableNameContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def identifier(self):
            return self.getTypedRuleContext(MLSQLParser.IdentifierContext,0)


        def getRuleIndex(self):
            return MLSQLParser.RULE_tableName

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitTableName" ):
                return visitor.visitTableName(self)
            else:
                return visitor.visitChildren(self)




    def tableName(self):

        localctx = MLSQLParser.TableNameContext(self, self._ctx, self.state)
        self.enterRule(localctx, 52, self.RULE_tableName)
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 256
            self.identifier()
        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class FunctionNameContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def identifier(self):
            return self.getTypedRuleContext(MLSQLParser.IdentifierContext,0)


        def getRuleIndex(self):
            return MLSQLParser.RULE_functionName

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitFunctionName" ):
                return visitor.visitFunctionName(self)
            else:
                return visitor.visitChildren(self)




    def functionName(self):

        localctx = MLSQLParser.FunctionNameContext(self, self._ctx, self.state)
        self.enterRule(localctx, 54, self.RULE_functionName)
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 258
            self.identifier()
        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class ColumnContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def identifier(self):
            return self.getTypedRuleContext(MLSQLParser.IdentifierContext,0)


        def getRuleIndex(self):
            return MLSQLParser.RULE_column

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitColumn" ):
                return visitor.visitColumn(self)
            else:
                return visitor.visitChildren(self)




    def column(self):

        localctx = MLSQLParser.ColumnContext(self, self._ctx, self.state)
        self.enterRule(localctx, 56, self.RULE_column)
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 260
            self.identifier()
        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class QualifiedNameContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def identifier(self, i:int=None):
            if i is None:
                return self.getTypedRuleContexts(MLSQLParser.IdentifierContext)
            else:
                return self.getTypedRuleContext(MLSQLParser.IdentifierContext,i)


        def DOT(self, i:int=None):
            if i is None:
                return self.getTokens(MLSQLParser.DOT)
            else:
                return self.getToken(MLSQLParser.DOT, i)

        def getRuleIndex(self):
            return MLSQLParser.RULE_qualifiedName

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitQualifiedName" ):
                return visitor.visitQualifiedName(self)
            else:
                return visitor.visitChildren(self)




    def qualifiedName(self):

        localctx = MLSQLParser.QualifiedNameContext(self, self._ctx, self.state)
        self.enterRule(localctx, 58, self.RULE_qualifiedName)
        self._la = 0 # Token type
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 262
            self.identifier()
            self.state = 267
            self._errHandler.sync(self)
            _la = self._input.LA(1)
            while _la==2:
                self.state = 263
                self.match(MLSQLParser.DOT)
                self.state = 264
                self.identifier()
                self.state = 269
                self._errHandler.sync(self)
                _la = self._input.LA(1)

        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class IdentifierContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def bareName(self):
            return self.getTypedRuleContext(MLSQLParser.BareNameContext,0)


        def BACKQUOTED_IDENTIFIER(self):
            return self.getToken(MLSQLParser.BACKQUOTED_IDENTIFIER, 0)

        def getRuleIndex(self):
            return MLSQLParser.RULE_identifier

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitIdentifier" ):
                return visitor.visitIdentifier(self)
            else:
                return visitor.visitChildren(self)




    def identifier(self):

        localctx = MLSQLParser.IdentifierContext(self, self._ctx, self.state)
        self.enterRule(localctx, 60, self.RULE_identifier)
        try:
            self.state = 272
            self._errHandler.sync(self)
            token = self._input.LA(1)
            if token in [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 37]:
                self.enterOuterAlt(localctx, 1)
                self.state = 270
                self.bareName()
                pass
            elif token in [35]:
                self.enterOuterAlt(localctx, 2)
                self.state = 271
                self.match(MLSQLParser.BACKQUOTED_IDENTIFIER)
                pass
            else:
                raise NoViableAltException(self)

        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class BareNameContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def IDENTIFIER(self):
            return self.getToken(MLSQLParser.IDENTIFIER, 0)

        def nonReserved(self):
            return self.getTypedRuleContext(MLSQLParser.NonReservedContext,0)


        def getRuleIndex(self):
            return MLSQLParser.RULE_bareName

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitBareName" ):
                return visitor.visitBareName(self)
            else:
                return visitor.visitChildren(self)




    def bareName(self):

        localctx = MLSQLParser.BareNameContext(self, self._ctx, self.state)
        self.enterRule(localctx, 62, self.RULE_bareName)
        try:
            self.state = 276
            self._errHandler.sync(self)
            token = self._input.LA(1)
            if token in [37]:
                self.enterOuterAlt(localctx, 1)
                self.state = 274
                self.match(MLSQLParser.IDENTIFIER)
                pass
            elif token in [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]:
                self.enterOuterAlt(localctx, 2)
                self.state = 275
                self.nonReserved()
                pass
            else:
                raise NoViableAltException(self)

        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class NonReservedContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def LOAD(self):
            return self.getToken(MLSQLParser.LOAD, 0)

        def SAVE(self):
            return self.getToken(MLSQLParser.SAVE, 0)

        def SELECT(self):
            return self.getToken(MLSQLParser.SELECT, 0)

        def INSERT(self):
            return self.getToken(MLSQLParser.INSERT, 0)

        def CREATE(self):
            return self.getToken(MLSQLParser.CREATE, 0)

        def DROP(self):
            return self.getToken(MLSQLParser.DROP, 0)

        def REFRESH(self):
            return self.getToken(MLSQLParser.REFRESH, 0)

        def SET(self):
            return self.getToken(MLSQLParser.SET, 0)

        def CONNECT(self):
            return self.getToken(MLSQLParser.CONNECT, 0)

        def TRAIN(self):
            return self.getToken(MLSQLParser.TRAIN, 0)

        def RUN(self):
            return self.getToken(MLSQLParser.RUN, 0)

        def PREDICT(self):
            return self.getToken(MLSQLParser.PREDICT, 0)

        def REGISTER(self):
            return self.getToken(MLSQLParser.REGISTER, 0)

        def UNREGISTER(self):
            return self.getToken(MLSQLParser.UNREGISTER, 0)

        def INCLUDE(self):
            return self.getToken(MLSQLParser.INCLUDE, 0)

        def OPTIONS(self):
            return self.getToken(MLSQLParser.OPTIONS, 0)

        def WHERE(self):
            return self.getToken(MLSQLParser.WHERE, 0)

        def PARTITIONBY(self):
            return self.getToken(MLSQLParser.PARTITIONBY, 0)

        def OVERWRITE(self):
            return self.getToken(MLSQLParser.OVERWRITE, 0)

        def APPEND(self):
            return self.getToken(MLSQLParser.APPEND, 0)

        def ERRORIFEXISTS(self):
            return self.getToken(MLSQLParser.ERRORIFEXISTS, 0)

        def IGNORE(self):
            return self.getToken(MLSQLParser.IGNORE, 0)

        def INTO(self):
            return self.getToken(MLSQLParser.INTO, 0)

        def EVALUATE(self):
            return self.getToken(MLSQLParser.EVALUATE, 0)

        def getRuleIndex(self):
            return MLSQLParser.RULE_nonReserved

        def accept(self, visitor:ParseTreeVisitor):
            if hasattr( visitor, "visitNonReserved" ):
                return visitor.visitNonReserved(self)
            else:
                return visitor.visitChildren(self)




    def nonReserved(self):

        localctx = MLSQLParser.NonReservedContext(self, self._ctx, self.state)
        self.enterRule(localctx, 64, self.RULE_nonReserved)
        self._la = 0 # Token type
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 278
            _la = self._input.LA(1)
            if not((((_la) & ~0x3f) == 0 and ((1 << _la) & 4294967040) != 0)):
                self._errHandler.recoverInline(self)
            else:
                self._errHandler.reportMatch(self)
                self.consume()
        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx





